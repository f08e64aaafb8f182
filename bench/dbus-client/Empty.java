/** Baseline: an empty main with the same JVM flags. */
public class Empty {
    public static void main(String[] a) { System.out.println("empty"); }
}
