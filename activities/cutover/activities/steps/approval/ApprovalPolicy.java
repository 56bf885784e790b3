package cutover.activities.steps.approval;

/**
 * A worker's rules for approvals ({@code cutover worker --allowed-signers FILE --require-signed-approvals}).
 *
 * @param requireSigned unsigned approvals are refused at every gate
 * @param checksSignatures the worker has an allowed-signers file to check signatures against
 */
public record ApprovalPolicy(boolean requireSigned, boolean checksSignatures) {}
