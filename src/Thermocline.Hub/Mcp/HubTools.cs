using System.Buffers;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Hub.Api;
using Thermocline.Sync;

namespace Thermocline.Hub.Mcp;

/// <summary>
/// The hub's MCP tools (served at <c>/mcp</c>), named like the CLI's commands and answering in the JSON of their
/// <c>--json</c> output: each a thin translation to <see cref="StateSync"/>, as the <c>/api</c> routes are. A refusal is
/// a tool error whose text names the kind and the exit code the CLI would have given, never a protocol error.
/// </summary>
[McpServerToolType]
internal sealed class HubTools(StateSync sync)
{
    private const string LeaseText = "The lease the claim returned, FENCE:ID (e.g. 17:3f2a…).";
    private const string AgentText = "Who acts: the agent's name (letters, digits, '-', '_', '.'), the same on every call for one piece of work.";
    private const string PrText = "The PR's id as in the task list, e.g. PR-005.";

    [McpServerTool(Name = "ready", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(ToolList<PrView>))]
    [Description("The PRs an agent may claim now (dependencies met, no one holding them), best first: by priority, then task-list order. Claim one with 'claim'.")]
    public Task<CallToolResult> ReadyAsync(CancellationToken cancellationToken) =>
        AnswerAsync(async () => (await sync.ReadyAsync(cancellationToken)).Select(s => s.ToView()).ToList(), HubJsonContext.Default.ListPrView);

    [McpServerTool(Name = "status", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(ToolList<PrView>))]
    [Description("Every PR's state: cold state (git), hot state (Redis), agent, heartbeat age, lease fence, dependencies. With 'pr', that one PR only (a one-element list), with the note its lease holder left. hotStateUnavailable true means the hot fields are unknown, not free.")]
    public Task<CallToolResult> StatusAsync(
        [Description("Only this PR, e.g. PR-005 (its note included). Omit for every PR.")] string? pr = null,
        CancellationToken cancellationToken = default) =>
        pr is null
            ? AnswerAsync(async () => (await sync.ListAsync(cancellationToken)).Select(s => s.ToView()).ToList(), HubJsonContext.Default.ListPrView)
            : AnswerAsync(async () => new List<PrView> { (await sync.GetAsync(pr, cancellationToken)).ToView() }, HubJsonContext.Default.ListPrView);

    [McpServerTool(Name = "claim", ReadOnly = false, Idempotent = false, Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(TransitionView))]
    [Description("Take a PR into a hot state and get its lease (returned as 'lease': pass it to heartbeat, transition and release). Either name the PR, or set next to true for the best claimable PR chosen and claimed in one step (concurrent callers get different PRs). The lease expires unless heartbeats keep it alive. 'handoff' carries the note the previous holder left.")]
    public Task<CallToolResult> ClaimAsync(
        [Description(AgentText)] string agent,
        [Description("The PR to claim, e.g. PR-005. Omit when next is true.")] string? pr = null,
        [Description("True: claim the best PR claimable now instead of a named one (nothing-ready, exit 75, when there is none).")] bool next = false,
        [Description("With next: how long to wait for a PR to become claimable, 0 to 3600 seconds (default 0: do not wait).")] double? wait_seconds = null,
        [Description("With next: choose only among these PR ids.")] string[]? only = null,
        [Description("With next: only PRs of this priority or higher: critical, high, medium or low.")] string? priority = null,
        [Description("The hot state to claim into: investigating, planning, in-progress or under-review. Default: the usual one for the cold state (in-progress for ready or planned work, under-review for completed, investigating for broken). With next: only PRs claimable into it.")] string? state = null,
        [Description("How long the lease lives after each heartbeat, in seconds, 1 up to the hub's maximum (default 1 h); default the heartbeat TTL (300).")] double? ttl_seconds = null,
        [Description("True: reserve the PR's estimated_files under the lease, so no other agent is offered a PR over them (and commits into them by others are flagged) until the lease ends. Refused (lease-conflict) when another live lease reserved an overlapping path.")] bool reserve = false,
        [Description("Globs to reserve under the lease (src/parser/**, docs/*.md; a folder covers what is below it), with or instead of the estimated files. Not with next.")] string[]? paths = null,
        CancellationToken cancellationToken = default) =>
        AnswerAsync(
            async () =>
            {
                RequireValue(agent, "agent");
                var target = state is null ? (Domain.States.HotState?)null : ApiEndpoints.ParseHot(state);
                var ttl = ApiEndpoints.Ttl(ttl_seconds);
                if (!next)
                {
                    RequireValue(pr, "pr (or next: true)");
                    return (await sync.ClaimAsync(pr!, agent, target, ttl, ApiEndpoints.Reservation(reserve, paths), cancellationToken)).ToView();
                }

                if (pr is not null)
                {
                    throw ThermoclineException.Usage("give either pr or next: true, not both.");
                }

                if (paths is { Length: > 0 })
                {
                    throw ThermoclineException.Usage("paths names what one PR reserves; with next, use reserve: true (the chosen PR's estimated_files).");
                }

                var filter = new ClaimNextFilter(target, only is { Length: > 0 } ids ? ids.ToHashSet(StringComparer.Ordinal) : null, priority is null ? null : ApiEndpoints.ParsePriority(priority));
                var wait = wait_seconds is not { } seconds ? TimeSpan.Zero
                    : seconds is >= 0 and <= ApiEndpoints.MaxWaitSeconds ? TimeSpan.FromSeconds(seconds)
                    : throw ThermoclineException.Usage($"wait_seconds {seconds} is out of range; use 0 to {ApiEndpoints.MaxWaitSeconds}.");
                var claimed = await sync.ClaimNextAsync(agent, filter, wait, ttl, reserve, cancellationToken) ?? throw ThermoclineException.NothingReady(
                    wait > TimeSpan.Zero
                        ? $"nothing became claimable{ApiEndpoints.Described(filter)} within {wait.TotalSeconds:0.###} s; try again later, or see what is waiting with 'status'."
                        : $"nothing is claimable now{ApiEndpoints.Described(filter)}; wait for work with wait_seconds, or see what is waiting with 'status'.");
                return claimed.ToView();
            },
            HubJsonContext.Default.TransitionView);

    [McpServerTool(Name = "heartbeat", ReadOnly = false, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(WriteView))]
    [Description("Keep a lease alive: the hot state expires a TTL (default 5 min, or the claim's ttl_seconds) after the last heartbeat. Optionally leave a note (one line, at most 500 characters, no control characters) that 'status' shows and the next claimant of the PR receives as its handoff. Refused (lease-conflict, exit 4) once the lease is lost.")]
    public Task<CallToolResult> HeartbeatAsync(
        [Description(PrText)] string pr,
        [Description(AgentText)] string agent,
        [Description(LeaseText)] string lease,
        [Description("A handoff note kept with the lease (Redis only, never committed).")] string? note = null,
        CancellationToken cancellationToken = default) =>
        AnswerAsync(async () => new WriteView(pr, (await sync.HeartbeatAsync(pr, agent, LeaseOf(lease), note, cancellationToken)).ToString().ToLowerInvariant()), HubJsonContext.Default.WriteView);

    [McpServerTool(Name = "transition", ReadOnly = false, Idempotent = false, Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(TransitionView))]
    [Description("Move a PR to another state, as the transition table allows. Hot to hot (e.g. planning to in-progress) changes Redis only; a milestone (completed, approved, broken, blocked, planned, ready) is one git commit whose message carries the lease's fence, and unlocks dependants. Hot states need the lease; cold to cold (e.g. completed to approved) needs none.")]
    public Task<CallToolResult> TransitionAsync(
        [Description(PrText)] string pr,
        [Description("The target state: new, ready, blocked, planned, completed, approved, broken, investigating, planning, in-progress or under-review.")] string state,
        [Description(AgentText)] string agent,
        [Description(LeaseText + " Required while the PR is in a hot state.")] string? lease = null,
        [Description("Why, recorded in the milestone's commit message (e.g. for blocked or broken).")] string? reason = null,
        CancellationToken cancellationToken = default) =>
        AnswerAsync(
            async () =>
            {
                RequireValue(agent, "agent");
                return (await sync.TransitionAsync(pr, ApiEndpoints.ParseState(state), agent, lease is null ? null : LeaseOf(lease), reason, cancellationToken)).ToView();
            },
            HubJsonContext.Default.TransitionView);

    [McpServerTool(Name = "release", ReadOnly = false, Idempotent = false, Destructive = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(WriteView))]
    [Description("Drop a PR's hot state and give up its lease: the PR is back at its cold state and claimable by others. Nothing is committed.")]
    public Task<CallToolResult> ReleaseAsync(
        [Description(PrText)] string pr,
        [Description(AgentText)] string agent,
        [Description(LeaseText)] string lease,
        CancellationToken cancellationToken = default) =>
        AnswerAsync(async () => new WriteView(pr, (await sync.ReleaseAsync(pr, agent, LeaseOf(lease), cancellationToken)).ToString().ToLowerInvariant()), HubJsonContext.Default.WriteView);

    [McpServerTool(Name = "add", ReadOnly = false, Idempotent = false, Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(AddView))]
    [Description("Add a PR to the task list (work discovered while doing another): one commit that appends a block in the list's format; the dependency engine then makes it ready or blocked. Refused with nothing written for an unknown dependency or a cycle (bad-task-list, exit 65), a duplicate id or a bad field (usage, exit 2).")]
    public Task<CallToolResult> AddAsync(
        [Description(AgentText)] string agent,
        [Description("The title: one line, at most 200 characters.")] string title,
        [Description("critical, high, medium or low (default medium).")] string? priority = null,
        [Description("The PRs it waits on; each must be in the task list.")] string[]? depends = null,
        [Description("One paragraph under its block: one line, at most 4000 characters.")] string? description = null,
        [Description("Its id, e.g. PR-042. Default: the next free one.")] string? id = null,
        [Description("The PR whose work turned this one up (kept as discovered_from).")] string? from = null,
        CancellationToken cancellationToken = default) =>
        AnswerAsync(
            async () =>
            {
                RequireValue(agent, "agent");
                RequireValue(title, "title");
                var added = await sync.AddAsync(
                    new Domain.TaskLists.NewPr(id, title, priority is null ? Domain.TaskLists.Priority.Medium : ApiEndpoints.ParsePriority(priority), depends ?? [], description, from),
                    agent,
                    cancellationToken);
                return new AddView(added.PrId, added.Commit, added.State, added.DependencyCommit);
            },
            HubJsonContext.Default.AddView);

    [McpServerTool(Name = "edit", ReadOnly = false, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(EditView))]
    [Description("Edit fields of a PR in the task list: title, priority, dependencies (replace with depends, or add with add_depends), description, discovered_from. Give at least one; a field left out stays as it is. One commit that changes only those fields' lines ('changed' lists them; none and no commit when every value is already so, so repeating a call is harmless); never the cold state. The dependency engine then runs: a new dependency that is broken blocks a ready PR, and dropping the dependencies it was blocked on makes it ready. Refused with nothing written for an unknown PR (not-found, exit 2), an unknown dependency, a PR depending on itself or a cycle (bad-task-list, exit 65), or a bad field (usage, exit 2).")]
    public Task<CallToolResult> EditAsync(
        [Description(PrText)] string pr,
        [Description(AgentText)] string agent,
        [Description("The new title: one line, at most 200 characters.")] string? title = null,
        [Description("The new priority: critical, high, medium or low.")] string? priority = null,
        [Description("The PRs it waits on, replacing its list; an empty list clears it. Each must be in the task list.")] string[]? depends = null,
        [Description("PRs added to its dependencies (ones it has already are kept once).")] string[]? add_depends = null,
        [Description("The paragraph under its block: one line of prose, at most 4000 characters; an empty string removes it.")] string? description = null,
        [Description("The PR whose work turned this one up (discovered_from).")] string? from = null,
        CancellationToken cancellationToken = default) =>
        AnswerAsync(
            async () =>
            {
                RequireValue(agent, "agent");
                var edited = await sync.EditAsync(ApiEndpoints.Edit(pr, title, priority, depends, add_depends, description, from), agent, cancellationToken);
                return new EditView(edited.PrId, edited.Commit, edited.Changed, edited.State, edited.DependencyCommit);
            },
            HubJsonContext.Default.EditView);

    [McpServerTool(Name = "log", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(ToolList<MilestoneView>))]
    [Description("Milestone history from git, newest first: commit sha, PR, from and to state, agent, lease fence, time, reason.")]
    public Task<CallToolResult> LogAsync(
        [Description("Only this PR's milestones, e.g. PR-005. Omit for all.")] string? pr = null,
        [Description("At most this many milestones, 1 to 100000.")] int? limit = null,
        CancellationToken cancellationToken = default) =>
        AnswerAsync(
            async () =>
            {
                if (pr is not null && !Domain.Identity.PrId.IsValid(pr))
                {
                    throw ThermoclineException.InvalidPrId(pr);
                }

                if (limit is < 1 or > 100_000)
                {
                    throw ThermoclineException.Usage($"limit {limit} is out of range; use 1 to 100000.");
                }

                return (await sync.GetHistoryAsync(pr, limit, cancellationToken)).Select(m => m.ToView()).ToList();
            },
            HubJsonContext.Default.ListMilestoneView);

    /// <summary>
    /// The view as the CLI's <c>--json</c> prints it (the text), and as structured content (an object, as MCP requires:
    /// a list is wrapped as <c>{"result": […]}</c>, see <see cref="ToolList{T}"/>); a refusal as a tool error.
    /// </summary>
    internal static async Task<CallToolResult> AnswerAsync<T>(Func<Task<T>> body, JsonTypeInfo<T> type)
    {
        try
        {
            var element = JsonSerializer.SerializeToElement(await body(), type);
            var structured = element.ValueKind == JsonValueKind.Object ? element : Wrapped(element);
            return new CallToolResult
            {
                Content = [new TextContentBlock { Text = element.GetRawText() }],
                StructuredContent = structured,
            };
        }
        catch (ThermoclineException ex)
        {
            return Refused(ex.Kind, ex.Message);
        }
    }

    /// <summary>A tool error: <c>KIND (exit N): message</c>, the kind as the problem documents name it.</summary>
    internal static CallToolResult Refused(ErrorKind kind, string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = $"{Problems.Kebab(kind)} (exit {ExitCodes.For(kind)}): {message}" }],
    };

    private static JsonElement Wrapped(JsonElement list)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("result");
            list.WriteTo(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void RequireValue(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw ThermoclineException.Usage($"the call needs \"{field}\".");
        }
    }

    private static Lease LeaseOf(string text) => ApiEndpoints.ParseLease(text, required: true)!;
}
