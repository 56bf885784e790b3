package cutover.activities;

/**
 * @param version a hash or hash prefix; null for the latest pushed version
 * @param lint refuse the plan when it has lint errors no step acknowledges (a new run's first load;
 *     absent, false, in the loads of runs under way and of histories from before lint)
 */
public record PlanRef(String name, String version, String target, boolean lint) {

  public PlanRef(String name, String version, String target) {
    this(name, version, target, false);
  }
}
