package io.mcastgateway.passthrough;

/** What metrics read of a group with players (on scrape, from any thread). */
public interface PassthroughGroup {

    /** As in the URL: [source@]group:port. */
    String target();

    /** The configured channel whose socket it shares, or "" for a group joined for players. */
    String channelName();

    int clientCount();

    /** Datagrams the group's socket received. */
    long received();

    /** Payload bytes written to its clients. */
    long sentBytes();

    /** Datagrams dropped for clients that did not keep up. */
    long dropped();
}
