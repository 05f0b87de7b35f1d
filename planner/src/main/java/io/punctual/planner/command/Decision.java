package io.punctual.planner.command;

import io.punctual.schemas.CommandResult;

/** The answer to one command and the change it makes, decided before anything is written. */
public record Decision(CommandResult result, Change change) {
}
