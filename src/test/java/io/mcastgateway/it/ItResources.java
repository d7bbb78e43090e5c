package io.mcastgateway.it;

/**
 * What integration tests share and must not use at the same time (failsafe runs three IT classes at once,
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

    /**
     * Most of two CPUs for tens of seconds (a container image built and run, Maven and dev mode, a JVM
     * started per case): one such IT at a time, beside ITs that mostly wait.
     */
    static final String CPU = "cpu-heavy";

    // The order of the classes (@Order), chosen by measuring the failsafe phase on two CPUs: JUnit's
    // fork-join pool runs the last submitted class on the submitting thread and lets the other threads
    // take from the front. So the CPU-heavy ones (last) start at once, one after the other, on one
    // thread, while the others run the long waiting ones (first); InvalidConfigIT comes at the end,
    // when its cases can take the threads the others left.

    private ItResources() {
    }
}
