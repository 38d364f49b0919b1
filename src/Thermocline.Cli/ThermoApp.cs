using Spectre.Console;
using Spectre.Console.Cli;
using Thermocline.Cli.Commands;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;

namespace Thermocline.Cli;

/// <summary>The <c>thermo</c> command line: commands, help, and the mapping of failures to SPEC.md's exit codes.</summary>
public static class ThermoApp
{
    /// <summary>Runs <c>thermo</c> with <paramref name="args"/>, writing to <paramref name="streams"/>; returns the exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, CliStreams streams, CancellationToken cancellationToken)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("thermo");
            config.Settings.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(streams.Out),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
            });
            config.Settings.StrictParsing = true;
            config.Settings.CancellationExitCode = 130;
            config.SetExceptionHandler((ex, _) => Report(ex, streams));

            config.AddCommand<DemoCommand>("demo")
                .WithData(streams)
                .WithDescription("A self-contained run in under 30 s: a temporary repository, a hub on the embedded store, simulated agents taking PRs to approval, the hub killed (SIGKILL) and restarted in the middle, then the board and the git log, checked.")
                .WithExample("demo")
                .WithExample("demo", "--keep");
            config.AddCommand<InitCommand>("init")
                .WithData(streams)
                .WithDescription("Create a git repository (or use the one there) with a sample docs/task-list.md, and commit only that file. Never overwrites an existing task list.")
                .WithExample("init")
                .WithExample("init", "--repo", "../my-project");
            config.AddCommand<SetupCommand>("setup")
                .WithData(streams)
                .WithDescription("Onboarding in one command: write (or update in place) the section of AGENTS.md that tells a coding agent how to work in this repository with Thermocline, between <!-- thermocline:begin --> and <!-- thermocline:end --> markers; nothing else in the file changes. Then print the MCP client configuration. --check tells whether the section is current (exit 1 when not), --remove takes it out. With --merge-driver, the same for git's merge driver of the task list instead (.git/config and .gitattributes); with --hooks, for the git hooks of fenced pushes (pre-commit, prepare-commit-msg, pre-push).")
                .WithExample("setup")
                .WithExample("setup", "--merge-driver")
                .WithExample("setup", "--hooks")
                .WithExample("setup", "--check")
                .WithExample("setup", "--repo", "../my-project", "--agents-file", "docs/AGENTS.md")
                .WithExample("setup", "--print-mcp", "--hub", "http://127.0.0.1:7420");
            config.AddCommand<ValidateCommand>("validate")
                .WithData(streams)
                .WithDescription("Parse and check a task list. Every problem is reported as file:line: severity: PR: message. Exit 0 when it has no errors (warnings allowed), 65 when it has.")
                .WithExample("validate")
                .WithExample("validate", "docs/task-list.md", "--json");
            config.AddCommand<MergeDriverCommand>("merge-driver")
                .WithData(streams)
                .IsHidden()
                .WithDescription("Git's merge driver for the task list (git runs it; 'thermo setup --merge-driver' registers it): a three-way merge by PR block (pr_id). A block changed on one side is taken, PRs added on either side are kept, fields both sides changed differently are a conflict with markers that 'thermo validate' explains; a cold_state both changed goes to the side whose last milestone of the PR has the higher lease fence (when that state is reachable). Writes the result over OURS; exit 0 clean, 1 conflicts left. Lists it cannot merge by block go to 'git merge-file'.")
                .WithExample("merge-driver", "%O", "%A", "%B", "%P");
            config.AddCommand<VerifyPushCommand>("verify-push")
                .WithData(streams)
                .WithDescription("Refuse commits made under a lease that was no longer the PR's: each commit whose trailers (Thermocline-PR, Thermocline-Lease) name a lease is checked with the hub, which answers whether that fence is still current or when it ended; it is refused when a newer fence was handed out (naming it and its agent), when the lease had ended before the commit's committer time, or when the lease is unknown. Commits without the trailers (people's) pass without asking the hub. As git's pre-push hook ('thermo setup --hooks' writes it) only the commits the remote lacks are checked; in CI, revision ranges (default @{upstream}..HEAD). Exit 0 all pass, 4 any refused, 69 the hub is unreachable (the push refused, unless 'git config thermocline.verifyPush.unreachable allow': then a warning). At most 10,000 commits are checked per run.")
                .WithExample("verify-push", "origin/main..HEAD")
                .WithExample("verify-push", "--json")
                .WithExample("verify-push", "--hook", "origin", "git@example.com:team/repo.git");
            config.AddCommand<CheckPathsCommand>("check-paths")
                .WithData(streams)
                .WithDescription("Flag paths about to be committed (the staged ones by default, both sides of a rename) that another PR's live lease reserved ('thermo claim --reserve' / '--paths'). Your own PR's reservation (THERMO_LEASE, THERMO_PR) is yours to commit into. Warns, or with --refuse (or 'git config thermocline.reservedPaths refuse') exits 4. As git's pre-commit hook ('thermo setup --hooks' writes it) it reports on stderr and lets the commit through when the hub does not answer; run by hand, an unreachable hub is exit 69.")
                .WithExample("check-paths")
                .WithExample("check-paths", "src/parser/Lexer.cs", "--json")
                .WithExample("check-paths", "--hook", "--refuse");
            config.AddBranch("hook", hook =>
            {
                hook.HideBranch();
                hook.SetDescription("What the git hooks 'thermo setup --hooks' writes run.");
                hook.AddCommand<PrepareCommitMsgCommand>("prepare-commit-msg")
                    .WithData(streams)
                    .WithDescription("git's prepare-commit-msg hook: with THERMO_LEASE set (PR-005:17, PR-005:17:ID, or FENCE:ID with THERMO_PR), adds the trailers Thermocline-PR and Thermocline-Lease (the fence, never the lease id) to the message, replacing any it had. Unset: nothing. Malformed: the commit fails (exit 2).")
                    .WithExample("hook", "prepare-commit-msg", ".git/COMMIT_EDITMSG", "message");
            });
            config.AddCommand<HubCommand>("hub")
                .WithData(streams)
                .WithDescription("Run the hub for a repository in the foreground: recovers from git, keeps Redis (or an embedded store) in step, serves the HTTP API agents use. Ctrl-C / SIGTERM stop it cleanly.")
                .WithExample("hub")
                .WithExample("hub", "--repo", "../my-project", "--redis", "localhost:6379");
            config.AddCommand<StatusCommand>("status")
                .WithData(streams)
                .WithDescription("Every PR (or one): cold state, hot state, agent, heartbeat age. With --at REV, the board as that commit holds it, from git alone (no hub): cold states from its task list, hot states only as its display section showed them then. Exit 2 for a REV that names no commit or a commit without the task list, 65 when the list there does not parse.")
                .WithExample("status")
                .WithExample("status", "--at", "HEAD~20")
                .WithExample("status", "PR-005", "--json");
            config.AddCommand<ReadyCommand>("ready")
                .WithData(streams)
                .WithDescription("The PRs an agent may claim now: dependencies met, not held, by priority.")
                .WithExample("ready", "--json");
            config.AddCommand<McpCommand>("mcp")
                .WithDescription("The hub's MCP tools (ready, status, claim, heartbeat, transition, release, add, edit, log) over stdio, for an MCP client that starts a local process: each message goes to the hub's /mcp. Nothing but the protocol on stdout")
                .WithExample("mcp")
                .WithExample("mcp", "--hub", "http://127.0.0.1:7420");
            config.AddCommand<AddCommand>("add")
                .WithData(streams)
                .WithDescription("Add a PR to the task list: a block in the list's format after the last PR, one commit; the dependency engine makes it ready or blocked. Bad input (an unknown dependency, a cycle, a duplicate id) changes nothing")
                .WithExample("add", "Parse the config file", "--priority", "high", "--depends", "PR-003", "--agent", "agent-1")
                .WithExample("add", "Flaky test in the lexer", "--from", "PR-007", "--description", "Seen while fixing PR-007.");
            config.AddCommand<EditCommand>("edit")
                .WithData(streams)
                .WithDescription("Edit a PR's title, priority, dependencies, description or discovered_from: one commit that changes only those fields' lines (never the cold state); the dependency engine then runs. Bad input (an unknown PR or dependency, a cycle) changes nothing; the same values commit nothing")
                .WithExample("edit", "PR-007", "--priority", "critical", "--add-depends", "PR-003", "--agent", "agent-1")
                .WithExample("edit", "PR-007", "--depends", "", "--description", "No longer waits on the parser.");
            config.AddCommand<ClaimCommand>("claim")
                .WithData(streams)
                .WithDescription("Take a PR into a hot state and print the lease (FENCE:ID) that later commands need. With --keep-alive, run a command and heartbeat for it until it exits.")
                .WithExample("claim", "PR-005", "--agent", "agent-1")
                .WithExample("claim", "PR-005", "--agent", "agent-1", "--keep-alive", "--", "./work.sh");
            config.AddCommand<HeartbeatCommand>("heartbeat")
                .WithData(streams)
                .WithDescription("Keep a lease alive (hot states expire 5 minutes after the last heartbeat). With --every, keep beating until Ctrl-C.")
                .WithExample("heartbeat", "PR-005", "--agent", "agent-1", "--lease", "17:3f2a9c…", "--every", "60s");
            config.AddCommand<TransitionCommand>("transition")
                .WithData(streams)
                .WithDescription("Any allowed transition. Ending in a cold state commits a milestone to git; hot → hot changes Redis only. While the PR is hot, the holder's lease is required.")
                .WithExample("transition", "PR-005", "completed", "--agent", "agent-1", "--lease", "17:3f2a9c…")
                .WithExample("transition", "PR-005", "approved", "--agent", "reviewer");
            config.AddCommand<ReleaseCommand>("release")
                .WithData(streams)
                .WithDescription("Drop a PR's hot state; it is back at its cold state. Needs the holder's lease.")
                .WithExample("release", "PR-005", "--agent", "agent-1", "--lease", "17:3f2a9c…");
            config.AddCommand<ReconcileCommand>("reconcile")
                .WithData(streams)
                .WithDescription("Report and fix conflicts between Redis and git (git wins). --dry-run only reports.")
                .WithExample("reconcile", "--dry-run");
            config.AddCommand<AuditCommand>("audit")
                .WithData(streams)
                .WithDescription("Replay the branch's milestone history from git alone (no hub): each hub commit must describe exactly the cold-state changes its task list shows, each milestone's transition must be allowed from the cold state before it, lease fences must strictly increase per PR, hub commits change only the task list and never record hot state. Cold-state changes made outside the hub (a person's edit, a merge unlike both sides) are listed as warnings. Exit 0 clean (warnings allowed), 1 on a violation (or, with --strict, a warning), 2 bad input, 69 git unreadable.")
                .WithExample("audit")
                .WithExample("audit", "--repo", "../my-project", "--branch", "main", "--json")
                .WithExample("audit", "--strict");
            config.AddCommand<StatsCommand>("stats")
                .WithData(streams)
                .WithDescription("Numbers from git alone (no hub): per PR, cycle time to completed and to approved, milestones, leases seen (distinct fences: lease churn), holdings the display showed and how many ended without a milestone; per cold state, median/p90/total time of the stays that ended. Git records milestones, not claims: a holding is seen only if a display sync showed it, and one that ended without a milestone expired or was released — git cannot tell which. Exit 0, 2 bad input, 69 git unreadable.")
                .WithExample("stats")
                .WithExample("stats", "--pr", "PR-005", "--json")
                .WithExample("stats", "--since", "v1.0");
            config.AddCommand<LogCommand>("log")
                .WithData(streams)
                .WithDescription("Milestone history from git, newest first.")
                .WithExample("log", "PR-005");
        });

        return app.RunAsync(args, cancellationToken);
    }

    // What the hub, git or a task list says may quote what a person wrote: shown, never acted on by the terminal.
    private static int Report(Exception ex, CliStreams streams)
    {
        switch (ex)
        {
            case ThermoclineException te:
                streams.Error.WriteLine($"thermo: {TerminalText.EscapeKeepingLines(te.Message)}");
                return te.ExitCode;
            case CommandParseException or CommandRuntimeException:
                if (ex.InnerException is ThermoclineException inner)
                {
                    return Report(inner, streams);
                }

                streams.Error.WriteLine($"thermo: {TerminalText.EscapeKeepingLines(ex.Message)} (see 'thermo --help')");
                return ExitCodes.Usage;
            case OperationCanceledException:
                streams.Error.WriteLine("thermo: cancelled");
                return 130;
            case UnauthorizedAccessException or IOException:
                streams.Error.WriteLine($"thermo: {TerminalText.EscapeKeepingLines(ex.Message)}");
                return ExitCodes.Failure;
            default:
                streams.Error.WriteLine($"thermo: unexpected error: {TerminalText.EscapeKeepingLines(ex.ToString())}");
                return ExitCodes.Failure;
        }
    }
}
