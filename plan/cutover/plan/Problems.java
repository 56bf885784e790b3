package cutover.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** Collects the problems of one plan file, converting SnakeYAML's 0-based marks to 1-based positions. */
final class Problems {
  private final String file;
  private final List<PlanProblem> found = new ArrayList<>();

  Problems(String file) {
    this.file = file;
  }

  void add(Node node, String message, String fix) {
    add(node == null ? null : node.getStartMark(), message, fix);
  }

  void add(Mark mark, String message, String fix) {
    int line = mark == null ? 1 : mark.getLine() + 1;
    int column = mark == null ? 1 : mark.getColumn() + 1;
    found.add(new PlanProblem(file, line, column, message, fix));
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  /** Every problem once, by line then column; problems at the same position keep their order. */
  List<PlanProblem> sorted() {
    return found.stream()
        .distinct()
        .sorted(Comparator.comparingInt(PlanProblem::line).thenComparingInt(PlanProblem::column))
        .toList();
  }
}
