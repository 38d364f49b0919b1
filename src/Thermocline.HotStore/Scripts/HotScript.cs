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
    public virtual async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
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
/// values, and it starts by reading the keys numbered <see cref="Reads"/> into <c>held</c> (one MGET). A call of another
/// shape is refused before anything is sent.
/// </summary>
internal sealed class PrScript(string name, int keyCount, int valueCount, int[] reads, string body)
    : HotScript(name, $"local held = redis.call('MGET', {string.Join(", ", reads.Select(n => $"KEYS[{n}]"))})\n{body}")
{
    /// <summary>The keys of each call: the first <see cref="KeyCount"/> of the PR's script keys.</summary>
    public int KeyCount { get; } = keyCount;

    /// <summary>The values of each call.</summary>
    public int ValueCount { get; } = valueCount;

    /// <summary>The numbers of the keys it reads first, in order, as <c>held[1]</c>, <c>held[2]</c>, ….</summary>
    public IReadOnlyList<int> Reads { get; } = reads;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The keys or values are not of the script's shape.</exception>
    public override Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        if (keys.Length != KeyCount || values.Length != ValueCount)
        {
            throw new ArgumentException($"{Name} takes {KeyCount} keys and {ValueCount} values, not {keys.Length} and {values.Length}");
        }

        return base.EvaluateAsync(database, keys, values);
    }
}
