package io.mcastgateway.rest;

import java.util.function.Predicate;

import io.mcastgateway.hub.StreamEvent;

/** A subscription's filter, from the {@code group} and {@code source} (ip or ip:port) query parameters. */
record Filter(String group, String source) {

    static Filter of(String group, String source) {
        return new Filter(blankToNull(group), blankToNull(source));
    }

    Predicate<StreamEvent> predicate() {
        Predicate<StreamEvent> filter = e -> true;
        if (group != null) {
            filter = filter.and(e -> e.group().equals(group));
        }
        if (source != null) {
            String ip = source.startsWith("[") && source.endsWith("]") ? source.substring(1, source.length() - 1) : source;
            filter = filter.and(e -> e.source().equals(source) || e.sourceIp().equals(ip));
        }
        return filter;
    }

    String description() {
        if (group == null && source == null) {
            return "all";
        }
        return (group == null ? "" : "group=" + group) + (group != null && source != null ? "&" : "")
                + (source == null ? "" : "source=" + source);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
