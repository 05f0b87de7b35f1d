package io.punctual.planner.command;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;

import java.util.List;

/** The answer to one command, the change it makes and the fires it asks for now, decided before anything is written. */
public record Decision(CommandResult result, Change change, List<DueEvent> fires) {
    public Decision(CommandResult result, Change change) {
        this(result, change, List.of());
    }
}
