import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;
public class JfrTop {
  public static void main(String[] a) throws Exception {
    Map<String,Integer> self = new HashMap<>(), incl = new HashMap<>();
    int total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
      RecordedStackTrace st = e.getStackTrace(); if (st == null) continue;
      total++;
      List<RecordedFrame> fr = st.getFrames();
      if (fr.isEmpty()) continue;
      String top = name(fr.get(0)); self.merge(top, 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : fr) { String n = name(f); if (seen.add(n)) incl.merge(n, 1, Integer::sum); }
    }
    System.out.println("samples " + total);
    System.out.println("--- self"); print(self, total, 25);
    System.out.println("--- inclusive (agentauth/interesting)"); 
    Map<String,Integer> f = new HashMap<>(); incl.forEach((k,v)->{ if (k.matches(a.length>1?a[1]:"agentauth.*|.*sqlite.*|.*jwt.*|.*bouncy.*|.*Jackson.*|.*jackson.*")) f.put(k,v);});
    print(f, total, 40);
  }
  static String name(RecordedFrame f){ return f.getMethod().getType().getName()+"."+f.getMethod().getName(); }
  static void print(Map<String,Integer> m, int total, int n){ m.entrySet().stream().sorted((x,y)->y.getValue()-x.getValue()).limit(n).forEach(e->System.out.printf("%5.1f%% %s%n", 100.0*e.getValue()/total, e.getKey())); }
}
