namespace Thermocline.Domain.TaskLists;

/// <summary>The task list <c>thermo init</c> writes: a small project whose PRs show the format and dependencies.</summary>
public static class SampleTaskList
{
    /// <summary>The sample's text (LF line endings, final newline).</summary>
    public const string Text = """
        # Task List

        Work items for this repository, one `### PR-xxx: Title` heading and one YAML block each.
        The Thermocline hub commits every milestone (`cold_state`) here; who is working on what right
        now lives in Redis and is shown in the "Active work" section it keeps at the end of this file.
        Run `thermo validate` after editing by hand.

        ---

        ## Block 1: Foundation

        ### PR-001: Project skeleton

        ---
        pr_id: PR-001
        title: Project skeleton
        cold_state: ready
        priority: critical
        complexity:
          score: 2
          estimated_minutes: 20
          suggested_model: haiku
          rationale: Layout and build files only
        dependencies: []
        estimated_files:
          - path: src/app/main.cs
            action: create
            description: entry point
        ---

        **Description:**
        Create the solution layout and a build that passes.

        **Acceptance Criteria:**
        - [ ] The build and an empty test run pass

        ### PR-002: Configuration loading

        ---
        pr_id: PR-002
        title: Configuration loading
        cold_state: new
        priority: high
        complexity:
          score: 4
          estimated_minutes: 45
          suggested_model: sonnet
          rationale: Several sources with precedence rules
        dependencies: [PR-001]
        estimated_files:
          - path: src/app/config.cs
            action: create
            description: options from file, environment and flags
        ---

        **Description:**
        Read settings from a file, the environment and flags, in that order of precedence.

        ### PR-003: Logging

        ---
        pr_id: PR-003
        title: Logging
        cold_state: new
        priority: medium
        complexity:
          score: 3
          estimated_minutes: 30
          suggested_model: haiku
          rationale: Structured logging with levels
        dependencies: [PR-001]
        estimated_files:
          - path: src/app/log.cs
            action: create
            description: structured logger
        ---

        **Description:**
        Structured logs with levels and no secrets.

        ## Block 2: Features

        ### PR-004: First feature

        ---
        pr_id: PR-004
        title: First feature
        cold_state: new
        priority: high
        complexity:
          score: 6
          estimated_minutes: 90
          suggested_model: sonnet
          rationale: Touches configuration and logging
        dependencies: [PR-002, PR-003]
        estimated_files:
          - path: src/app/feature.cs
            action: create
            description: the feature
          - path: tests/app/feature_tests.cs
            action: create
            description: its tests
        ---

        **Description:**
        The first user-visible feature, configured and logged.

        """;
}
