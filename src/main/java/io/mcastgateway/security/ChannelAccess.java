package io.mcastgateway.security;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which channels an identity may watch and publish on, derived once per request from its
 * credential: the read token watches every channel, the publish token publishes on every channel, a
 * JWT names channels in its {@code mcast.subscribe} and {@code mcast.publish} claims (a name, or
 * {@value #ALL} for every channel; {@code mcast.subscribe} may also name group ranges, such as
 * {@code 239.1.0.0/16}, for players' raw streams), the page's session cookie carries what its credential had.
 *
 * @param subscribe channel names this identity may watch ({@value #ALL}: every channel)
 * @param publish channel names this identity may publish on ({@value #ALL}: every channel)
 * @param expiresAt when the credential ends (epoch seconds), 0 = never
 */
public record ChannelAccess(Set<String> subscribe, Set<String> publish, long expiresAt) {

    /** The claim value that stands for every channel. */
    public static final String ALL = "*";

    /** The identity attribute that holds an identity's access. */
    public static final String ATTRIBUTE = "mcast.access";

    public static final ChannelAccess NONE = new ChannelAccess(Set.of(), Set.of(), 0);
    public static final ChannelAccess READ_ALL = new ChannelAccess(Set.of(ALL), Set.of(), 0);
    public static final ChannelAccess PUBLISH_ALL = new ChannelAccess(Set.of(), Set.of(ALL), 0);

    public ChannelAccess {
        subscribe = Set.copyOf(subscribe);
        publish = Set.copyOf(publish);
    }

    public boolean maySubscribe(String channel) {
        return subscribe.contains(ALL) || subscribe.contains(channel);
    }

    public boolean mayPublish(String channel) {
        return publish.contains(ALL) || publish.contains(channel);
    }

    /**
     * Whether this identity may watch the raw stream of {@code group}: every channel ({@value #ALL}), or a
     * range in {@code subscribe} ({@code 239.1.0.0/16}, a bare address, {@code ff3e::/16}) holds it. A
     * channel name says nothing of groups; whoever may watch a channel may watch its group, which the caller
     * knows.
     */
    public boolean maySubscribeGroup(java.net.InetAddress group) {
        if (subscribesAll()) {
            return true;
        }
        for (String entry : subscribe) {
            if (entry.indexOf('.') >= 0 || entry.indexOf(':') >= 0) {
                try {
                    if (io.mcastgateway.channel.Cidr.parse(entry).contains(group)) {
                        return true;
                    }
                } catch (IllegalArgumentException e) {
                    // not a range: a name that matches no group
                }
            }
        }
        return false;
    }

    public boolean subscribesAll() {
        return subscribe.contains(ALL);
    }

    /** Whether this identity may watch at least one channel. */
    public boolean readsAny() {
        return !subscribe.isEmpty();
    }

    public boolean publishesAny() {
        return !publish.isEmpty();
    }

    /** Of {@code channels}, those this identity may watch, in their order. */
    public List<String> visible(Collection<String> channels) {
        return channels.stream().filter(this::maySubscribe).toList();
    }

    /**
     * Of the channels {@code asked} for (in their order), those to refuse with 403: for a credential limited
     * to some channels, every one it may not watch among {@code known}, also one that does not exist, so that
     * it learns nothing of the others; none for one that may watch every channel (an unknown one is its 400).
     */
    public List<String> refused(Collection<String> asked, Collection<String> known) {
        if (subscribesAll()) {
            return List.of();
        }
        List<String> visible = visible(known);
        return asked.stream().filter(n -> !visible.contains(n)).toList();
    }

    /** Only the watching part, as the page's session cookie carries it, ending at {@code expiresAt}. */
    public ChannelAccess readOnly(long expiresAt) {
        return new ChannelAccess(subscribe, Set.of(), expiresAt);
    }

    /** The names in a claim or cookie field: a string (names separated by spaces or commas) or a collection. */
    static Set<String> names(Object value) {
        Set<String> names = new TreeSet<>();
        if (value instanceof Collection<?> values) {
            for (Object v : values) {
                names.addAll(names(v));
            }
        } else if (value instanceof jakarta.json.JsonString s) {
            names.addAll(names(s.getString()));
        } else if (value instanceof String s) {
            for (String n : s.split("[\\s,]+")) {
                if (!n.isEmpty()) {
                    names.add(n);
                }
            }
        }
        return names;
    }
}
