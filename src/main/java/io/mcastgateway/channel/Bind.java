package io.mcastgateway.channel;

/** What a channel's receiving socket binds. */
public enum Bind {
    /** Bind the group address: only datagrams sent to the group arrive, unicast to the host's port never does (Linux). */
    GROUP,
    /** Bind 0.0.0.0 / ::, for systems that cannot bind a group address; unicast to the port arrives too. */
    ANY
}
