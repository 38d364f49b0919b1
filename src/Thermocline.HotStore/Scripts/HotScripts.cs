namespace Thermocline.HotStore.Scripts;

/// <summary>
/// The Lua scripts behind every check-and-set. Each touches the keys of one PR only, all passed in
/// <c>KEYS</c> (Garnet's transaction mode locks exactly those; a Redis Cluster needs them in one slot):
/// <c>KEYS[1..8]</c> = hot_state, agent, lease, heartbeat, paths, last_lease, cold_state, fence — a script takes the
/// first 3, 6, 7 or 8 of them, as many as it touches. <c>last_lease</c> (no TTL) is written whenever a lease starts, is
/// renewed or ends, as <c>FENCE:ENDS_MS:HOW:AGENT</c>: what "when did fence F end" is answered from. Replies are arrays whose first element is 1 (done) or 0 (refused, followed by a
/// reason code and details); a hot transition's success is a plain 1.
/// </summary>
internal static class HotScripts
{
    // What a lease check reads first: the lease and the hot state, as held[1] and held[2].
    private static readonly int[] LeaseReads = [3, 1];

    // Refuses unless KEYS[3] held exactly ARGV[1] and the hot state was still there; leaves the hot state in `hot`.
    // Reply on refusal: {0, 'lease', current lease or '', current agent or ''}.
    private const string LeaseCheck = """
        if held[1] ~= ARGV[v + 1] or not held[2] then
          return {0, 'lease', held[1] or '', redis.call('GET', KEYS[k + 2]) or ''}
        end
        local hot = held[2]
        """;

    /// <summary>
    /// Claim (cold → hot). ARGV: 1 target hot state, 2 agent, 3 expected cold state, 4 cold states that allow the
    /// target as <c>" a b "</c>, 5 now (Unix ms), 6 TTL ms, 7 lease id, 8 fence floor, 9 the reserved paths (one glob per
    /// line) or ''. A missing cold cache is filled with the expected state (the caller passes git's). The fence is the
    /// PR's counter incremented, and above the floor (every fence handed out before this Redis's data began, or
    /// elsewhere). Reply: {1, fence} or {0, 'held', agent, hot} / {0, 'cold-moved', cold} / {0, 'not-allowed', cold}.
    /// </summary>
    public static readonly PrScript Claim = new("claim", 'c', 8, 9, [1, 7], """
        if held[1] then
          return {0, 'held', redis.call('GET', KEYS[k + 2]) or '', held[1]}
        end
        local cold = held[2]
        if not cold then
          cold = ARGV[v + 3]
          redis.call('SET', KEYS[k + 7], cold)
        elseif cold ~= ARGV[v + 3] then
          return {0, 'cold-moved', cold}
        end
        if not string.find(ARGV[v + 4], ' ' .. cold .. ' ', 1, true) then
          return {0, 'not-allowed', cold}
        end
        local fence = redis.call('INCR', KEYS[k + 8])
        local floor = tonumber(ARGV[v + 8])
        if fence <= floor then
          fence = floor + 1
          redis.call('SET', KEYS[k + 8], fence)
        end
        local ttl = ARGV[v + 6]
        redis.call('SET', KEYS[k + 1], ARGV[v + 1], 'PX', ttl)
        redis.call('SET', KEYS[k + 2], ARGV[v + 2], 'PX', ttl)
        redis.call('SET', KEYS[k + 3], fence .. ':' .. ARGV[v + 7], 'PX', ttl)
        redis.call('SET', KEYS[k + 4], ARGV[v + 5] .. ':' .. ttl, 'PX', ttl)
        if ARGV[v + 9] ~= '' then
          redis.call('SET', KEYS[k + 5], ARGV[v + 9], 'PX', ttl)
        else
          redis.call('DEL', KEYS[k + 5])
        end
        redis.call('SET', KEYS[k + 6], fence .. ':' .. string.format('%d', tonumber(ARGV[v + 5]) + tonumber(ttl)) .. ':live:' .. ARGV[v + 2])
        return {1, fence}
        """);

    /// <summary>
    /// Heartbeat. ARGV: 1 lease, 2 now (Unix ms), 3 default TTL ms. The lease lives another TTL: the one its claim chose,
    /// kept in the heartbeat key as <c>now:ttl</c> (the default for a value without one); so does its reservation, and the
    /// lease record moves its end on. Reply: {1, hot state} or the lease refusal.
    /// </summary>
    public static readonly PrScript Heartbeat = new("heartbeat", 'h', 6, 3, LeaseReads, LeaseCheck + """

        local ttl = ARGV[v + 3]
        local beat = redis.call('GET', KEYS[k + 4])
        if beat then
          local at = string.find(beat, ':', 1, true)
          if at then
            ttl = string.sub(beat, at + 1)
          end
        end
        redis.call('PEXPIRE', KEYS[k + 1], ttl)
        redis.call('PEXPIRE', KEYS[k + 2], ttl)
        redis.call('PEXPIRE', KEYS[k + 3], ttl)
        redis.call('SET', KEYS[k + 4], ARGV[v + 2] .. ':' .. ttl, 'PX', ttl)
        redis.call('PEXPIRE', KEYS[k + 5], ttl)
        local lease = ARGV[v + 1]
        redis.call('SET', KEYS[k + 6], string.sub(lease, 1, string.find(lease, ':', 1, true) - 1) .. ':'
          .. string.format('%d', tonumber(ARGV[v + 2]) + tonumber(ttl)) .. ':live:' .. (redis.call('GET', KEYS[k + 2]) or ''))
        return {1, hot}
        """);

    /// <summary>
    /// A handoff note under a lease. KEYS: hot state, agent, lease, note. ARGV: 1 lease, 2 the note as stored, 3 how long
    /// it is kept (ms). Reply: {1, 1} or the lease refusal.
    /// </summary>
    public static readonly PrScript Note = new("note", 'n', 4, 3, LeaseReads, LeaseCheck + """

        redis.call('SET', KEYS[k + 4], ARGV[v + 2], 'PX', ARGV[v + 3])
        return {1, 1}
        """);

    /// <summary>
    /// Hot → hot. ARGV: 1 lease, 2 target, 3 hot states that allow the target as <c>" a b "</c>. Keeps the TTL: progress
    /// is not liveness, heartbeats are. Two commands in all, so it costs little more than a plain SET.
    /// Reply: 1 (also when it was in the target state already: nothing changed) or {0, 'not-allowed', hot} or the lease
    /// refusal — a plain integer on success, the common case, is the cheapest reply to build and to read.
    /// </summary>
    public static readonly PrScript TransitionHot = new("transition", 't', 3, 3, LeaseReads, LeaseCheck + """

        if hot == ARGV[v + 2] then
          return 1
        end
        if not string.find(ARGV[v + 3], ' ' .. hot .. ' ', 1, true) then
          return {0, 'not-allowed', hot}
        end
        redis.call('SET', KEYS[k + 1], ARGV[v + 2], 'KEEPTTL')
        return 1
        """);

    /// <summary>
    /// Release or clear. ARGV: 1 lease, or '' to clear whoever holds it; 2 cold state to cache, or '' to keep it; 3 now
    /// (Unix ms). The reservation goes with the hot state; the lease record says it ended now: <c>milestone</c> (with a
    /// cold state: the hot → cold commit), <c>released</c> or <c>cleared</c> (no lease given). Reply: {1, number of hot
    /// keys deleted} or the lease refusal.
    /// </summary>
    public static readonly PrScript Clear = new("clear", 'r', 7, 3, LeaseReads, "if ARGV[v + 1] ~= '' then\n" + LeaseCheck + """

        end
        local agent = held[1] and redis.call('GET', KEYS[k + 2])
        local deleted = redis.call('DEL', KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4])
        redis.call('DEL', KEYS[k + 5])
        if held[1] then
          local how = 'cleared'
          if ARGV[v + 1] ~= '' then
            how = 'released'
            if ARGV[v + 2] ~= '' then how = 'milestone' end
          end
          redis.call('SET', KEYS[k + 6], string.sub(held[1], 1, string.find(held[1], ':', 1, true) - 1) .. ':' .. ARGV[v + 3] .. ':' .. how .. ':' .. (agent or ''))
        end
        if ARGV[v + 2] ~= '' then
          redis.call('SET', KEYS[k + 7], ARGV[v + 2])
        end
        return {1, deleted}
        """);

    /// <summary>Seeds the fencing counter: KEYS[1] = fence, ARGV[1] = floor. Sets it to max(current, floor); replies with the result.</summary>
    public static readonly PrScript SeedFence = new("seed-fence", 'f', 1, 1, [1], """
        local current = tonumber(held[1] or '0')
        local floor = tonumber(ARGV[v + 1])
        if floor > current then
          redis.call('SET', KEYS[k + 1], ARGV[v + 1])
          return floor
        end
        return current
        """);

    /// <summary>The scripts a <see cref="Batch"/> can run, each on one PR's keys.</summary>
    private static PrScript[] PerPr => [Claim, Heartbeat, TransitionHot, Clear, SeedFence, Note];

    /// <summary>The answer <see cref="Batch"/> gives for a call whose script raised an error: <c>{marker, message}</c>.</summary>
    public const string BatchErrorMarker = "__thermocline_error";

    /// <summary>
    /// Several calls of the scripts above in one run (see <see cref="ScriptBatcher"/>); standalone servers only, as the
    /// keys of different PRs span slots. KEYS: each call's keys in turn. ARGV: the plan — each call's script as its
    /// one-letter <see cref="PrScript.Code"/>, in order — then each call's values in turn. Every script takes a fixed
    /// number of keys and values, so the plan is all the framing a call needs. What every call reads first
    /// (<see cref="PrScript.Reads"/>) is read for all of them with one MGET; a call whose keys an earlier call of the
    /// run had reads its own, so each call sees exactly what it would see alone. Each script body, written once with its
    /// keys and values at offsets (<c>KEYS[k + n]</c>, <c>ARGV[v + n]</c>; see <see cref="PrScript"/>), runs as a
    /// function of those offsets — nothing is copied per call — under pcall, so one call's error is that call's answer
    /// alone. Reply: one answer per call. A plan that names no script or does not match the keys and
    /// values fails the whole run before anything changed.
    /// </summary>
    public static readonly HotScript Batch = new("batch", string.Concat(
        "local scripts = {\n",
        string.Concat(PerPr.Select(s =>
            $"['{s.Code}'] = {{function(k, v, held)\n{s.Body}\nend, {s.KeyCount}, {s.ValueCount}, {{{string.Join(", ", s.Reads)}}}}},\n")),
        "}\n",
        """
        local plan = ARGV[1]
        local reads = {}
        local k, v = 0, 1
        for i = 1, #plan do
          local script = scripts[string.sub(plan, i, i)]
          if not script then
            return redis.error_reply('batch plan names no script: ' .. plan)
          end
          for _, n in ipairs(script[4]) do
            reads[#reads + 1] = KEYS[k + n]
          end
          k, v = k + script[2], v + script[3]
        end
        if k ~= #KEYS or v ~= #ARGV then
          return redis.error_reply('batch plan ' .. plan .. ' takes ' .. k .. ' keys and ' .. v .. ' values, not ' .. #KEYS .. ' and ' .. #ARGV)
        end
        local prefetched = redis.call('MGET', unpack(reads))
        local touched = {}
        local results = {}
        local r = 0
        k, v = 0, 1
        for i = 1, #plan do
          local script = scripts[string.sub(plan, i, i)]
          local names = script[4]
          local held = {}
          local stale = false
          for j = 1, #names do
            stale = stale or touched[KEYS[k + names[j]]]
            held[j] = prefetched[r + j]
          end
          if stale then
            for j = 1, #names do
              held[j] = KEYS[k + names[j]]
            end
            held = redis.call('MGET', unpack(held))
          end
          r = r + #names
          local ok, answer = pcall(script[1], k, v, held)
          for j = 1, script[2] do
            touched[KEYS[k + j]] = true
          end
          k, v = k + script[2], v + script[3]
          if ok then
            if answer == nil then answer = false end
            results[i] = answer
          else
            if type(answer) == 'table' then answer = answer.err or answer.message or 'script error' end
            results[i] = {'__thermocline_error', tostring(answer)}
          end
        end
        return results
        """));
}
