package cutover.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.DecisionRecord;
import cutover.activities.RunEventKind;
import cutover.activities.steps.Decision;
import cutover.activities.steps.GateView;
import cutover.activities.steps.approval.ApprovalActivitiesImpl;
import cutover.activities.steps.approval.ApprovalEvidence;
import cutover.activities.steps.approval.ApprovalSigners;
import cutover.activities.steps.approval.ApprovalSpec;
import cutover.activities.steps.approval.SshSignatures;
import cutover.plan.Phase;
import cutover.plan.Plan;
import cutover.plan.PlanStep;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Problem 10 of issue 8: approvals signed with SSH keys (real keys made by ssh-keygen), checked by
 * the worker against its allowed signers; forged, unsigned-where-required and stale ones refused
 * and recorded.
 */
class SignedApprovalTest {
  /** What FakeActivities' plans hash to. */
  static final String PLAN_HASH = "0123abcd";
  /** What the gate shows: the outcome of the step before it. */
  static final List<String> FINDINGS = List.of("c (sql): applied c");

  @RegisterExtension
  static final TestWorkflowExtension temporal = CutoverWorkflowTest.extension();

  @TempDir
  static Path keys;
  static Path alice;
  static Path mallory;
  static Path allowedSigners;

  @BeforeAll
  static void makeKeys() throws Exception {
    alice = key("alice");
    mallory = key("mallory");
    allowedSigners = keys.resolve("allowed_signers");
    // the format git's gpg.ssh.allowedSignersFile uses: principal, then the public key
    Files.writeString(allowedSigners, "alice " + publicKey(alice) + "\nbob " + publicKey(key("bob")) + "\n");
  }

  static Path key(String name) throws IOException, InterruptedException {
    Path key = keys.resolve(name);
    Process made = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString())
        .redirectErrorStream(true).start();
    assertEquals(0, made.waitFor(), new String(made.getInputStream().readAllBytes()));
    return key;
  }

  static String publicKey(Path key) throws IOException {
    String[] parts = Files.readString(Path.of(key + ".pub")).strip().split(" ");
    return parts[0] + " " + parts[1];
  }

  static Plan plan(ApprovalSpec.Signatures signed) {
    return new Plan("signed", "demo", null, List.of(new Phase("go", null, List.of(
        CutoverWorkflowTest.sql("c"),
        new PlanStep("go", "go / no-go", null, false, false,
            new ApprovalSpec(List.of("alice", "bob"), 1, false, signed), 1),
        CutoverWorkflowTest.sql("d")))));
  }

  FakeActivities start(TestWorkflowEnvironment env, Worker worker, Plan plan, boolean workerRequires) {
    FakeActivities fake = new FakeActivities(plan);
    fake.approvals = new ApprovalActivitiesImpl(new ApprovalSigners(allowedSigners, workerRequires));
    fake.serveOn(env, worker);
    env.start();
    return fake;
  }

  static CutoverWorkflow startCutover(WorkflowClient client, Worker worker, String id) {
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(worker.getTaskQueue()).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("signed", "demo", null, null, "carol"));
    return cutover;
  }

  static GateDecision signed(Path key, String by, String run, String planHash, String findingsDigest, String requestId)
      throws IOException {
    String message = ApprovalEvidence.message(run, "go", Decision.APPROVE, planHash, findingsDigest);
    return new GateDecision("go", by, "parity clean", requestId, SshSignatures.sign(key, message), planHash,
        findingsDigest);
  }

  /** The phase's record of the decision sent with the request id, once the workflow answered it. */
  static DecisionView decided(WorkflowClient client, String phase, String requestId) {
    PhaseStatus status = CutoverWorkflowTest.awaitPhase(client, phase,
        s -> s.decisions().stream().anyMatch(d -> requestId.equals(d.requestId())));
    return status.decisions().stream().filter(d -> requestId.equals(d.requestId())).findFirst().orElseThrow();
  }

  static DecisionRecord recorded(FakeActivities fake, String requestId) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      for (DecisionRecord d : fake.decisions) {
        if (requestId.equals(d.signalId())) {
          return d;
        }
      }
      CutoverWorkflowTest.sleep(50);
    }
    throw new AssertionError("no decision recorded for " + requestId);
  }

  @Test
  void forgedAndStaleApprovalsAreRefusedAndRecordedAndASignedOnePassesAsItsPrincipal(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    FakeActivities fake = start(env, worker, plan(ApprovalSpec.Signatures.REQUIRED), false);
    CutoverWorkflow cutover = startCutover(client, worker, "forged");
    PhaseStatus waiting = CutoverWorkflowTest.awaitPhase(client, "forged.go", s -> s.state() == RunState.WAITING_APPROVAL);
    GateView gate = waiting.pendingGates().get(0);
    assertEquals("required", gate.signatures());
    assertEquals(PLAN_HASH, gate.planHash());
    assertEquals(FINDINGS, gate.findings());
    String digest = ApprovalEvidence.digest(FINDINGS);
    assertEquals(digest, gate.findingsDigest());

    cutover.approve(new GateDecision("go", "alice", "trust me", "unsigned"));
    DecisionView unsigned = decided(client, "forged.go", "unsigned");
    assertFalse(unsigned.accepted());
    assertTrue(unsigned.refusal().contains("gate 'go' takes only signed approvals (the plan says signed: required)"),
        unsigned.refusal());
    assertFalse(recorded(fake, "unsigned").accepted());
    assertFalse(recorded(fake, "unsigned").signed());

    cutover.approve(signed(mallory, "alice", "forged", PLAN_HASH, digest, "mallory-as-alice"));
    DecisionView asAlice = decided(client, "forged.go", "mallory-as-alice");
    assertFalse(asAlice.accepted());
    assertTrue(asAlice.refusal().contains("the signature does not verify as alice"), asAlice.refusal());
    DecisionRecord forged = recorded(fake, "mallory-as-alice");
    assertFalse(forged.accepted());
    assertFalse(forged.signed());
    assertNotNull(forged.signature(), "a refused signature is kept for audit");

    cutover.approve(signed(mallory, null, "forged", PLAN_HASH, digest, "mallory"));
    DecisionView unknownKey = decided(client, "forged.go", "mallory");
    assertFalse(unknownKey.accepted());
    assertTrue(unknownKey.refusal().contains("the key that signed is not in the worker's allowed signers"),
        unknownKey.refusal());
    assertEquals("unverified signer", unknownKey.by());

    cutover.approve(signed(alice, null, "forged", "ffff9999", digest, "other-plan"));
    DecisionView otherPlan = decided(client, "forged.go", "other-plan");
    assertFalse(otherPlan.accepted());
    assertTrue(otherPlan.refusal().contains(
        "the plan version changed: signed over plan ffff9999, the run now follows " + PLAN_HASH), otherPlan.refusal());

    String otherDigest = ApprovalEvidence.digest(List.of("c (sql): applied c", "parity holds: 0 differences"));
    cutover.approve(signed(alice, null, "forged", PLAN_HASH, otherDigest, "other-findings"));
    DecisionView otherFindings = decided(client, "forged.go", "other-findings");
    assertFalse(otherFindings.accepted());
    assertTrue(otherFindings.refusal().contains("the findings changed: signed over " + otherDigest
        + ", the gate now shows " + digest), otherFindings.refusal());

    // signed over other findings, sent as if over the gate's: the signature gives it away
    GateDecision overOther = signed(alice, null, "forged", PLAN_HASH, otherDigest, "relabelled");
    cutover.approve(new GateDecision("go", null, null, "relabelled", overOther.signature(), PLAN_HASH, digest));
    DecisionView relabelled = decided(client, "forged.go", "relabelled");
    assertFalse(relabelled.accepted());
    assertTrue(relabelled.refusal().contains("the signature does not verify"), relabelled.refusal());

    // a signature for another run does not approve this one
    cutover.approve(signed(alice, null, "another-run", PLAN_HASH, digest, "another-run"));
    assertFalse(decided(client, "forged.go", "another-run").accepted());
    assertEquals(RunState.WAITING_APPROVAL,
        client.newWorkflowStub(CutoverPhaseWorkflow.class, "forged.go").status().state());

    cutover.approve(signed(alice, null, "forged", PLAN_HASH, digest, "alice"));
    assertEquals(RunState.COMPLETED, CutoverWorkflowTest.result(cutover).state());
    DecisionRecord approval = recorded(fake, "alice");
    assertTrue(approval.accepted());
    assertTrue(approval.signed());
    assertEquals("alice", approval.decidedBy());
    assertEquals(PLAN_HASH, approval.planHash());
    assertEquals(digest, approval.findingsDigest());
    assertTrue(approval.signature().contains("BEGIN SSH SIGNATURE"));
    assertEquals(List.of("c", "d"), fake.applied);
  }

  @Test
  void aSignatureSentAgainAtAReopenedGateDoesNotCountAgain(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    Plan twoApprovers = new Plan("signed", "demo", null, List.of(new Phase("go", null, List.of(
        CutoverWorkflowTest.sql("c"),
        new PlanStep("go", "go / no-go", null, false, false,
            new ApprovalSpec(List.of("alice", "bob"), 2, false, ApprovalSpec.Signatures.REQUIRED), 1),
        CutoverWorkflowTest.sql("d")))));
    start(env, worker, twoApprovers, false);
    CutoverWorkflow cutover = startCutover(client, worker, "replayed");
    CutoverWorkflowTest.awaitPhase(client, "replayed.go", s -> s.state() == RunState.WAITING_APPROVAL);
    String digest = ApprovalEvidence.digest(FINDINGS);
    GateDecision alicesApproval = signed(alice, null, "replayed", PLAN_HASH, digest, "alice");
    cutover.approve(alicesApproval);
    assertTrue(decided(client, "replayed.go", "alice").accepted());
    cutover.reject(new GateDecision("go", "bob", "not yet", "bob"));
    CutoverWorkflowTest.awaitPhase(client, "replayed.go", s -> s.state() == RunState.FAILED_WAITING);
    cutover.retry(new OperatorAction("carol", "reopen the gate"));
    CutoverWorkflowTest.awaitPhase(client, "replayed.go", s -> s.state() == RunState.WAITING_APPROVAL);

    // what anyone reading the history could send: alice's signature, under a new request id
    cutover.approve(new GateDecision("go", null, null, "replay", alicesApproval.signature(), PLAN_HASH, digest));
    DecisionView replayed = decided(client, "replayed.go", "replay");
    assertFalse(replayed.accepted());
    assertTrue(replayed.refusal().contains("this signature was already counted in this phase"), replayed.refusal());
    assertEquals(RunState.WAITING_APPROVAL,
        client.newWorkflowStub(CutoverPhaseWorkflow.class, "replayed.go").status().state());
  }

  @Test
  void aGateShowsTheFindingsOfEarlierPhasesBeforeItsOwn(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
    fake.serveOn(env, worker);
    env.start();
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("phases").setTaskQueue(worker.getTaskQueue()).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("three-phases", "demo", null, null, "carol"));
    GateView gate = CutoverWorkflowTest.awaitPhase(client, "phases.copy", s -> s.state() == RunState.WAITING_APPROVAL)
        .pendingGates().get(0);
    List<String> findings = List.of("a (sql): applied a", "b (sql): applied b", "c (sql): applied c");
    assertEquals(findings, gate.findings());
    assertEquals(ApprovalEvidence.digest(findings), gate.findingsDigest());
    assertEquals("allowed", gate.signatures());
  }

  @Test
  void aWorkerThatRequiresSignaturesRefusesUnsignedApprovals(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    FakeActivities fake = start(env, worker, plan(ApprovalSpec.Signatures.ALLOWED), true);
    CutoverWorkflow cutover = startCutover(client, worker, "worker-requires");
    PhaseStatus waiting = CutoverWorkflowTest.awaitPhase(client, "worker-requires.go",
        s -> s.state() == RunState.WAITING_APPROVAL);
    assertEquals("required", waiting.pendingGates().get(0).signatures());

    cutover.approve(new GateDecision("go", "alice", null, "unsigned"));
    DecisionView unsigned = decided(client, "worker-requires.go", "unsigned");
    assertFalse(unsigned.accepted());
    assertTrue(unsigned.refusal().contains("takes only signed approvals (the worker requires signed approvals)"),
        unsigned.refusal());

    cutover.approve(signed(alice, "alice", "worker-requires", PLAN_HASH, ApprovalEvidence.digest(FINDINGS), "signed"));
    assertEquals(RunState.COMPLETED, CutoverWorkflowTest.result(cutover).state());
    assertTrue(recorded(fake, "signed").signed());
  }

  @Test
  void unsignedApprovalsStayPossibleWhereAllowedAndAreRecordedAsUnsigned(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = start(env, worker, plan(ApprovalSpec.Signatures.ALLOWED), false);
    CutoverWorkflow cutover = startCutover(client, worker, "unsigned");
    PhaseStatus waiting = CutoverWorkflowTest.awaitPhase(client, "unsigned.go", s -> s.state() == RunState.WAITING_APPROVAL);
    assertEquals("allowed", waiting.pendingGates().get(0).signatures());

    cutover.approve(new GateDecision("go", "bob", null, "bob"));
    assertEquals(RunState.COMPLETED, CutoverWorkflowTest.result(cutover).state());
    DecisionRecord approval = recorded(fake, "bob");
    assertTrue(approval.accepted());
    assertFalse(approval.signed());
    assertEquals("bob", approval.decidedBy());
  }

  @Test
  void aRecordedSignedApprovalIsVoidOnceThePlanVersionItWasSignedOverChanged(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = new FakeActivities(plan(ApprovalSpec.Signatures.REQUIRED));
    fake.approvals = new ApprovalActivitiesImpl(new ApprovalSigners(allowedSigners, false));
    // a resumed run: the ledger holds alice's approval, signed over an earlier plan version
    fake.decisions.add(new DecisionRecord("demo", "stale", "go", "approve", "alice", null, true, null, "earlier", 1L,
        true, "ffff9999", ApprovalEvidence.digest(FINDINGS), "-----BEGIN SSH SIGNATURE-----"));
    fake.serveOn(env, worker);
    env.start();
    CutoverWorkflow cutover = startCutover(client, worker, "stale");

    PhaseStatus waiting = CutoverWorkflowTest.awaitPhase(client, "stale.go", s -> s.state() == RunState.WAITING_APPROVAL);
    assertEquals(List.of(), waiting.pendingGates().get(0).approvedBy());
    assertTrue(waiting.notices().stream().anyMatch(n -> n.contains("the approval of gate 'go' by alice is void: "
        + "the plan version changed: signed over plan ffff9999, the run now follows " + PLAN_HASH)), waiting.notices()
        .toString());
    long deadline = System.currentTimeMillis() + 10_000;
    while (fake.events.stream().noneMatch(e -> RunEventKind.APPROVAL_VOID.word().equals(e.kind()))
        && System.currentTimeMillis() < deadline) {
      CutoverWorkflowTest.sleep(50);
    }
    assertTrue(fake.events.stream().anyMatch(e -> RunEventKind.APPROVAL_VOID.word().equals(e.kind())), fake.events.toString());
  }

  @Test
  void aRecordedSignedApprovalOverTheSameEvidenceStands(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = new FakeActivities(plan(ApprovalSpec.Signatures.REQUIRED));
    fake.approvals = new ApprovalActivitiesImpl(new ApprovalSigners(allowedSigners, false));
    fake.decisions.add(new DecisionRecord("demo", "stands", "go", "approve", "alice", null, true, null, "earlier", 1L,
        true, PLAN_HASH, ApprovalEvidence.digest(FINDINGS), "-----BEGIN SSH SIGNATURE-----"));
    fake.serveOn(env, worker);
    env.start();
    CutoverWorkflow cutover = startCutover(client, worker, "stands");
    assertEquals(RunState.COMPLETED, CutoverWorkflowTest.result(cutover).state());
  }
}
