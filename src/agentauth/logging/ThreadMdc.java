package agentauth.logging;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.spi.MDCAdapter;

/**
 * The MDC on a plain ThreadLocal. slf4j's BasicMDCAdapter uses an InheritableThreadLocal: a
 * thread started while a request ran (a pool growing, a scheduler) would carry that request's id
 * into every line it ever writes.
 */
final class ThreadMdc implements MDCAdapter {
    private final ThreadLocal<Map<String, String>> values = ThreadLocal.withInitial(HashMap::new);
    private final ThreadLocal<Map<String, Deque<String>>> stacks = ThreadLocal.withInitial(HashMap::new);

    @Override public void put(String key, String value) {
        if (value == null) values.get().remove(key);
        else values.get().put(key, value);
    }

    @Override public String get(String key) { return values.get().get(key); }

    @Override public void remove(String key) { values.get().remove(key); }

    @Override public void clear() { values.get().clear(); }

    @Override public Map<String, String> getCopyOfContextMap() { return new HashMap<>(values.get()); }

    @Override public void setContextMap(Map<String, String> map) {
        clear();
        if (map != null) values.get().putAll(map);
    }

    @Override public void pushByKey(String key, String value) {
        stacks.get().computeIfAbsent(key, k -> new ArrayDeque<>()).push(value);
    }

    @Override public String popByKey(String key) {
        Deque<String> d = stacks.get().get(key);
        return d == null ? null : d.poll();
    }

    @Override public Deque<String> getCopyOfDequeByKey(String key) {
        Deque<String> d = stacks.get().get(key);
        return d == null ? null : new ArrayDeque<>(d);
    }

    @Override public void clearDequeByKey(String key) {
        Deque<String> d = stacks.get().get(key);
        if (d != null) d.clear();
    }
}
