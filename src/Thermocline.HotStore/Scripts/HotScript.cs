using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Thermocline.HotStore.Scripts;

/// <summary>
/// One Lua script, sent by SHA1 (<c>EVALSHA</c>); when the server does not know it yet (first use, or after a
/// restart emptied its script cache) the <c>NOSCRIPT</c> reply is answered by one <c>EVAL</c>, which also caches it.
/// </summary>
internal class HotScript
{
    private readonly byte[] _sha1;

    public HotScript(string name, string text)
    {
        Name = name;
        Text = text;
#pragma warning disable CA5350 // SHA1 is how Redis names scripts (EVALSHA); it is an identifier, not a security measure.
        _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    /// <summary>A short name for logs and errors.</summary>
    public string Name { get; }

    /// <summary>The Lua source.</summary>
    public string Text { get; }

    /// <summary>Runs the script on <paramref name="database"/>.</summary>
    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(_sha1, keys, values);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values);
        }
    }
}

/// <summary>
/// A script on the keys of one PR, of a fixed shape: always <see cref="KeyCount"/> keys and <see cref="ValueCount"/>
/// values, and it starts by reading the keys numbered <see cref="Reads"/> into <c>held</c> (one MGET). The shape is
/// what lets a <see cref="HotScripts.Batch"/> run several calls with no framing but a letter each, and read for all of
/// them at once. Its body is written once, for both forms: every key as <c>KEYS[k + n]</c> and every value as
/// <c>ARGV[v + n]</c> with a literal n — alone, k and v are 0; in a batch, the offsets of the call's keys and values.
/// A body that indexes them any other way (a variable, <c>#KEYS</c>) could reach another PR's keys inside a batch, and
/// is refused when the script is built.
/// </summary>
internal sealed partial class PrScript(string name, char code, int keyCount, int valueCount, int[] reads, string body)
    : HotScript(name, $"local k, v = 0, 0\nlocal held = redis.call('MGET', {string.Join(", ", reads.Select(n => $"KEYS[{n}]"))})\n{Checked(name, body, keyCount, valueCount)}")
{
    /// <summary>The letter that names it in a batch's plan.</summary>
    public char Code { get; } = code;

    /// <summary>The keys of each call: the first <see cref="KeyCount"/> of the PR's script keys.</summary>
    public int KeyCount { get; } = keyCount;

    /// <summary>The values of each call.</summary>
    public int ValueCount { get; } = valueCount;

    /// <summary>The numbers of the keys it reads first, in order, as <c>held[1]</c>, <c>held[2]</c>, ….</summary>
    public IReadOnlyList<int> Reads { get; } = reads;

    /// <summary>What runs after the read, on <c>held</c>, with its keys and values at offsets <c>k</c> and <c>v</c>.</summary>
    public string Body { get; } = body;

    private static string Checked(string name, string body, int keyCount, int valueCount)
    {
        foreach (System.Text.RegularExpressions.Match m in Index().Matches(body))
        {
            var at = m.Groups["at"];
            var ok = at.Success && (m.Groups["table"].Value == "KEYS" ? m.Groups["offset"].Value == "k" : m.Groups["offset"].Value == "v")
                && int.Parse(at.Value, System.Globalization.CultureInfo.InvariantCulture) is var n && n >= 1
                && n <= (m.Groups["table"].Value == "KEYS" ? keyCount : valueCount);
            if (!ok)
            {
                throw new InvalidOperationException(
                    $"script {name} reads '{m.Value}': a per-PR script reads its keys as KEYS[k + n] (n 1..{keyCount}) and its values as ARGV[v + n] (n 1..{valueCount}), so that a batch runs the same text at the call's offsets");
            }
        }

        return body;
    }

    // Every use of KEYS or ARGV: "#KEYS", "KEYS[x]" and "KEYS[k + 3]" alike; only the last form has "at".
    [System.Text.RegularExpressions.GeneratedRegex(@"#?\b(?<table>KEYS|ARGV)\b(\[\s*(?:(?<offset>[kv])\s*\+\s*(?<at>\d+)\s*\]|[^\]]*\]))?")]
    private static partial System.Text.RegularExpressions.Regex Index();
}
