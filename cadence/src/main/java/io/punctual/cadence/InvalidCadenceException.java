package io.punctual.cadence;

/** A cadence that cannot be scheduled; the message is a sentence for the person who sent it. */
public final class InvalidCadenceException extends Exception {
    private final CadenceProblem problem;

    InvalidCadenceException(CadenceProblem problem, String message) {
        super(message, null, false, false);
        this.problem = problem;
    }

    public CadenceProblem problem() {
        return problem;
    }
}
