package io.punctual.gateway.problem;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A failed future's problem as it was thrown: a stage after a failed one sees the failure wrapped in a
 * {@link CompletionException}, and the exception handler must get the {@link ApiProblem} itself to answer it.
 */
public final class Failures {
    private Failures() {
    }

    /** The failure itself, without the {@link CompletionException} around it. */
    public static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** The value, or the problem itself rather than the {@link CompletionException} around it. */
    public static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
