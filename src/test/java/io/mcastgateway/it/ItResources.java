package io.mcastgateway.it;

/**
 * What integration tests share and must not use at the same time (failsafe runs two IT classes at once,
 * pom.xml): a class that uses one says so with {@code @ResourceLock}. Everything else an IT uses is its
 * own: HTTP and UDP ports and multicast groups differ between classes, logs and copies are per class.
 */
final class ItResources {

    /**
     * The test network namespaces: their names (prefix {@link Netns#PREFIX}), the bridge and the root
     * namespace's management veths are the same for every suite, and each suite removes the leftovers of
     * the others when it starts.
     */
    static final String NETNS = "network-namespaces";

    private ItResources() {
    }
}
