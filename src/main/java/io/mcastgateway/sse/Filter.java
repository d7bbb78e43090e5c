package io.mcastgateway.sse;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import io.mcastgateway.hub.StreamEvent;

/**
 * A subscription's filter, from the query parameters {@code channel} (names, comma-separated),
 * {@code group} and {@code source} (ip or ip:port). All given ones must match.
 */
record Filter(Set<String> channels, String group, String source) {

    static Filter of(String channels, String group, String source) {
        String list = blankToNull(channels);
        Set<String> names = list == null ? null
                : Set.copyOf(Arrays.stream(list.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList());
        return new Filter(names == null || names.isEmpty() ? null : names, blankToNull(group), blankToNull(source));
    }

    /** This filter, limited to {@code allowed} channels (none: nothing matches). */
    Filter onlyChannels(List<String> allowed) {
        return new Filter(Set.copyOf(allowed), group, source);
    }

    /** The channel names the filter asks for that are not in {@code known}. */
    List<String> unknownChannels(List<String> known) {
        return channels == null ? List.of() : channels.stream().filter(c -> !known.contains(c)).sorted().toList();
    }

    Predicate<StreamEvent> predicate() {
        Predicate<StreamEvent> filter = e -> true;
        if (channels != null) {
            filter = channels.isEmpty() ? e -> false
                    : channels.size() == 1 ? matchOne(channels.iterator().next()) : e -> channels.contains(e.channel());
        }
        if (group != null) {
            filter = filter.and(e -> e.group().equals(group));
        }
        if (source != null) {
            String ip = source.startsWith("[") && source.endsWith("]") ? source.substring(1, source.length() - 1) : source;
            filter = filter.and(e -> e.source().equals(source) || e.sourceIp().equals(ip));
        }
        return filter;
    }

    /** Whether a channel's status concerns this filter: its channel and group (not its source). */
    boolean followsChannel(String channel, String groupOfChannel) {
        return (channels == null || channels.contains(channel)) && (group == null || group.equals(groupOfChannel));
    }

    private static Predicate<StreamEvent> matchOne(String channel) {
        return e -> e.channel().equals(channel);
    }

    String description() {
        List<String> parts = new java.util.ArrayList<>();
        if (channels != null) {
            parts.add("channel=" + String.join(",", channels.stream().sorted().toList()));
        }
        if (group != null) {
            parts.add("group=" + group);
        }
        if (source != null) {
            parts.add("source=" + source);
        }
        return parts.isEmpty() ? "all" : String.join("&", parts);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
