package agentauth;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Makes a plain {@code java -jar agent-auth.jar} give memory back after a burst. Without flags the
 * JVM picks G1 with a heap that may grow to a quarter of the machine's memory and keeps it
 * (bench/plain-launch: 686 MiB peak under the benchmark). A running program may set the JVM's
 * manageable options for itself: tighter heap free ratios (the heap shrinks after a collection
 * to at most 30 % free) and G1's periodic collection (an idle server collects every 30 s, which
 * returns unused heap to the operating system: JEP 346). An option the operator set on the
 * command line is left as given.
 */
final class JvmMemory {
    static final Map<String, String> SETTINGS = Map.of(
        "MinHeapFreeRatio", "10",
        "MaxHeapFreeRatio", "30",
        "G1PeriodicGCInterval", "30000");

    private JvmMemory() {}

    /** Applies {@link #SETTINGS} where the operator did not choose; returns what it set. */
    static Map<String, String> apply() {
        if (Boolean.getBoolean("agentauth.jvm.keep")) return Map.of(); // bench/plain-launch: the JVM as it comes
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotspot == null) return Map.of(); // not HotSpot: nothing to tune this way
        Map<String, String> set = new java.util.TreeMap<>();
        for (var e : SETTINGS.entrySet()) {
            if (e.getKey().startsWith("G1") && !usesG1()) continue;
            try {
                VMOption option = hotspot.getVMOption(e.getKey());
                if (option.getOrigin() != VMOption.Origin.DEFAULT && option.getOrigin() != VMOption.Origin.ERGONOMIC) continue;
                hotspot.setVMOption(e.getKey(), e.getValue());
                set.put(e.getKey(), e.getValue());
            } catch (IllegalArgumentException e2) {
                // this JVM has no such option (or refuses the value): keep its default
            }
        }
        return set;
    }

    private static boolean usesG1() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
            if (gc.getName().startsWith("G1")) return true;
        return false;
    }
}
