package io.mcastgateway.hub;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

import io.mcastgateway.channel.Addresses;

/**
 * The text of senders' addresses, formatted once per sender: {@code ip:port}, {@code [ip]:port} for
 * IPv6 (canonical, scope as interface name). Senders repeat, and the JDK hands out the same
 * {@link InetSocketAddress} object while the sender does not change, so the common case is an
 * identity check. Not thread-safe: the hub calls it under its lock. At most {@value #LIMIT} senders
 * are remembered; then it starts afresh.
 */
final class Sources {

    /** A sender: its address as filters match it, and as events show it. */
    record Source(String ip, String text) {
    }

    private static final int LIMIT = 4096;

    private final Map<InetSocketAddress, Source> known = new HashMap<>();
    private InetSocketAddress last;
    private Source lastSource;

    Source of(InetSocketAddress sender) {
        if (sender == last) {
            return lastSource;
        }
        Source source = known.get(sender);
        if (source == null) {
            if (known.size() >= LIMIT) {
                known.clear();
            }
            source = new Source(Addresses.canonical(sender.getAddress().getHostAddress()), Addresses.socketText(sender));
            known.put(sender, source);
        }
        last = sender;
        lastSource = source;
        return source;
    }
}
