package agentauth.metrics;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JVM's and the process's own figures, read from the platform MXBeans at scrape time, under
 * the names Prometheus' Java client uses (jvm_*, process_*), so its dashboards work unchanged.
 * Label values are the JVM's own fixed names (memory areas, pools, collectors).
 */
final class JvmMetrics implements Family {
    private static final List<String> AREA = List.of("area"), POOL = List.of("pool"), GC = List.of("gc");

    @Override
    public void write(TextFormat out) {
        memory(out);
        var gcs = ManagementFactory.getGarbageCollectorMXBeans();
        out.family("jvm_gc_collection_seconds", "summary", "Time spent in a given JVM garbage collector in seconds.");
        for (GarbageCollectorMXBean gc : gcs) {
            out.sample("jvm_gc_collection_seconds_count", GC, List.of(gc.getName()), Math.max(0, gc.getCollectionCount()));
            out.sample("jvm_gc_collection_seconds_sum", GC, List.of(gc.getName()), Math.max(0, gc.getCollectionTime()) / 1000.0);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        gauge(out, "jvm_threads_current", "Current thread count of a JVM.", threads.getThreadCount());
        gauge(out, "jvm_threads_daemon", "Daemon thread count of a JVM.", threads.getDaemonThreadCount());
        gauge(out, "jvm_threads_peak", "Peak thread count of a JVM.", threads.getPeakThreadCount());
        out.family("jvm_threads_started_total", "counter", "Started thread count of a JVM.");
        out.sample("jvm_threads_started_total", threads.getTotalStartedThreadCount());
        gauge(out, "jvm_classes_currently_loaded", "The number of classes that are currently loaded in the JVM.",
            ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        out.family("jvm_runtime_info", "gauge", "JVM runtime info.");
        out.sample("jvm_runtime_info", List.of("runtime", "vendor", "version"), List.of(String.valueOf(System.getProperty("java.runtime.name")),
            String.valueOf(System.getProperty("java.vm.vendor")), String.valueOf(System.getProperty("java.runtime.version"))), 1);
        process(out);
    }

    private static void memory(TextFormat out) {
        var bean = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = bean.getHeapMemoryUsage(), nonHeap = bean.getNonHeapMemoryUsage();
        out.family("jvm_memory_used_bytes", "gauge", "Used bytes of a given JVM memory area.");
        out.sample("jvm_memory_used_bytes", AREA, List.of("heap"), heap.getUsed());
        out.sample("jvm_memory_used_bytes", AREA, List.of("nonheap"), nonHeap.getUsed());
        out.family("jvm_memory_committed_bytes", "gauge", "Committed (bytes) of a given JVM memory area.");
        out.sample("jvm_memory_committed_bytes", AREA, List.of("heap"), heap.getCommitted());
        out.sample("jvm_memory_committed_bytes", AREA, List.of("nonheap"), nonHeap.getCommitted());
        out.family("jvm_memory_max_bytes", "gauge", "Max (bytes) of a given JVM memory area; -1 when undefined.");
        out.sample("jvm_memory_max_bytes", AREA, List.of("heap"), heap.getMax());
        out.sample("jvm_memory_max_bytes", AREA, List.of("nonheap"), nonHeap.getMax());
        out.family("jvm_memory_pool_used_bytes", "gauge", "Used bytes of a given JVM memory pool.");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
            out.sample("jvm_memory_pool_used_bytes", POOL, List.of(pool.getName()), pool.getUsage().getUsed());
    }

    private static void process(TextFormat out) {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            out.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
            out.sample("process_cpu_seconds_total", Math.max(0, sun.getProcessCpuTime()) / 1e9);
        }
        gauge(out, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
            ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            gauge(out, "process_open_fds", "Number of open file descriptors.", unix.getOpenFileDescriptorCount());
            gauge(out, "process_max_fds", "Maximum number of open file descriptors.", unix.getMaxFileDescriptorCount());
        }
        long[] memory = procStatus();
        if (memory != null) {
            gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", memory[0]);
            gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", memory[1]);
        }
    }

    /** VmSize and VmRSS in bytes from /proc/self/status (Linux), or null elsewhere. */
    private static long[] procStatus() {
        try {
            long[] m = new long[2];
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmSize:")) m[0] = kib(line);
                else if (line.startsWith("VmRSS:")) m[1] = kib(line);
            }
            return m;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }

    private static void gauge(TextFormat out, String name, String help, double value) {
        out.family(name, "gauge", help);
        out.sample(name, value);
    }
}
