namespace Thermocline.Cli.Setup;

/// <summary>
/// The section <c>thermo setup</c> keeps in a repository's AGENTS.md: how a coding agent works there with Thermocline,
/// between <see cref="BeginMarker"/> and <see cref="EndMarker"/>. Everything it says is what <c>thermo</c> does today
/// (README's commands and exit codes); a change here makes every written section outdated, which
/// <c>thermo setup --check</c> reports and <c>thermo setup</c> repairs in place.
/// </summary>
internal static class AgentInstructions
{
    /// <summary>The line that opens the section.</summary>
    public const string BeginMarker = "<!-- thermocline:begin -->";

    /// <summary>The line that closes the section.</summary>
    public const string EndMarker = "<!-- thermocline:end -->";

    /// <summary>What starts a begin marker line; a later marker may carry more after it and is still recognised.</summary>
    public const string BeginPrefix = "<!-- thermocline:begin";

    /// <summary>What starts an end marker line.</summary>
    public const string EndPrefix = "<!-- thermocline:end";

    // Kept under 120 columns and free of trailing spaces: it lands in people's files.
    private const string Text = """
        <!-- thermocline:begin -->
        <!-- Written by 'thermo setup': run it again to update this section, 'thermo setup --remove' to take it out. -->
        ## Working here with Thermocline

        The work items ("PRs") are in `docs/task-list.md`, and a Thermocline hub hands them out. Set `THERMO_AGENT` to
        your agent name (or pass `--agent NAME`) and, if the hub is not at `http://127.0.0.1:7420`, `THERMO_HUB` to its URL.

        1. Claim: `thermo claim --next --wait 10m --agent NAME --json` claims the best ready PR and prints its `prId`
           and `lease`.
        2. Work, keeping the lease alive (it lapses 5 minutes, or the claim's `--ttl`, after the last heartbeat): run
           `thermo heartbeat PR --lease L --every 60s` beside the work, or claim with
           `thermo claim --next --agent NAME --keep-alive -- CMD`, which runs CMD with `THERMO_PR` and `THERMO_LEASE`
           set and heartbeats until it exits.
        3. Finish: `thermo transition PR completed --lease L` (the hub commits the milestone; PRs waiting on it
           unlock), or hand it back unfinished with `thermo release PR --lease L`, after leaving the next claimant a
           note with `thermo heartbeat PR --lease L --note TEXT`.

        Commits: after claiming, `export THERMO_LEASE=PR:L` (the PR, a colon, the lease; `PR:FENCE` is enough) so the
        hooks of `thermo setup --hooks` stamp your commits with the lease (never its id); commit and push before the
        milestone that hands the PR on: a newer fence refuses later pushes of yours (exit 4).

        Exit codes: `0` ok · `2` usage (bad arguments, unknown PR) · `3` transition not allowed from the PR's state ·
        `4` lease conflict: someone else holds the PR or your lease was lost, stop working on it · `65` the task list
        does not parse (`thermo validate` shows where); claims and milestones wait for a fix · `69` hub, Redis or git
        unavailable: retry later · `75` nothing ready: try again later · `1` anything else.

        Never edit `cold_state:` lines by hand (use `thermo transition`): the hub commits milestones. `thermo status`,
        `thermo ready` and `thermo log` show the board and the history. Work found on the way:
        `thermo add TITLE --depends PR-1 --from PR --agent NAME`; a PR's title, priority, dependencies or description:
        `thermo edit PR --priority high --agent NAME` (one commit each).

        MCP: `thermo mcp` (stdio) and the hub's `/mcp` (HTTP) serve the same operations as tools (`add` and `edit`
        too); `thermo setup --print-mcp` prints the client configuration.
        <!-- thermocline:end -->
        """;

    /// <summary>
    /// The section from its begin marker to its end marker, lines joined by <paramref name="newline"/> (the file's own),
    /// without a line break after the end marker: what follows the marker in a file is the file's.
    /// </summary>
    public static string Render(string newline) => Text.ReplaceLineEndings(newline);
}
