using System.Net;
using Microsoft.Extensions.Options;
using Thermocline.HotStore.Keys;

namespace Thermocline.Hub.Configuration;

/// <summary>
/// The rules of <see cref="HubOptions"/>, as an options validator: the first bad setting, named with the source it came
/// from (<see cref="HubOptions.Sources"/>) and what it should be. Run before the hub opens anything
/// (<see cref="HubOptions.Validate"/>): a bad setting must not leave a lock or a half-recovered store behind.
/// </summary>
public sealed class HubOptionsValidator : IValidateOptions<HubOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problem = FirstProblem(options);
        return problem is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(
            $"invalid hub setting {problem.Value.Setting}{(options.Sources.TryGetValue(problem.Value.Setting, out var source) ? $" (from {source})" : "")}: {problem.Value.Message}.");
    }

    private static (string Setting, string Message)? FirstProblem(HubOptions o)
    {
        if (o.Port is < 0 or > 65535)
        {
            return (nameof(o.Port), $"port {o.Port} is out of range (0-65535)");
        }

        if (o.Bind is not "localhost" && !IPAddress.TryParse(o.Bind, out _))
        {
            return (nameof(o.Bind), $"bind address '{o.Bind}' is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)");
        }

        if (!o.IsLoopback && string.IsNullOrWhiteSpace(o.Token))
        {
            return (nameof(o.Bind), $"listening on {o.Bind} (off loopback) needs a bearer token: pass --token or set THERMO_TOKEN");
        }

        if (o.Token is { Length: < 16 })
        {
            return (nameof(o.Token), "the token is shorter than 16 characters; use a long random one (e.g. openssl rand -hex 32)");
        }

        if (o.Branch is not null && !ColdStore.ColdStoreOptions.IsValidBranchName(o.Branch))
        {
            return (nameof(o.Branch), $"'{o.Branch}' is not a branch name git accepts (no spaces, '..', '~', '^', ':', '?', '*', '[' or '\\')");
        }

        if (o.Remote is not null && !ColdStore.ColdStoreOptions.IsValidRemoteName(o.Remote))
        {
            return (nameof(o.Remote), $"'{o.Remote}' is not a remote name the hub accepts (letters, digits, '-', '_', '.'; see git remote -v)");
        }

        if (o.FetchIntervalSeconds is < 1 or > 3600)
        {
            return (nameof(o.FetchIntervalSeconds), $"fetch interval {o.FetchIntervalSeconds} s is out of range (1-3600)");
        }

        if (o.Advertise is { } advertise)
        {
            if (!Uri.TryCreate(advertise, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
                || advertise.Any(c => c is <= ' ' or > '~') || url.UserInfo.Length > 0)
            {
                return (nameof(o.Advertise), $"'{advertise}' is not a URL clients can reach this hub at (e.g. http://10.0.0.5:7420)");
            }

            if (o.Remote is null || o.Redis is null)
            {
                return (nameof(o.Advertise), "a hub of a group needs the group's shared Redis (--redis) and remote (--remote); an embedded store or a clone's own branch cannot be shared");
            }
        }

        if (o.LeaderTtlSeconds is < 1 or > 300)
        {
            return (nameof(o.LeaderTtlSeconds), $"leader lease {o.LeaderTtlSeconds} s is out of range (1-300)");
        }

        if (!RedisKeys.IsValidPrefix(o.KeyPrefix))
        {
            return (nameof(o.KeyPrefix), $"key prefix '{o.KeyPrefix}' is not valid: printable ASCII without spaces or braces, at most {RedisKeys.MaxPrefixLength} characters");
        }

        if (o.DisplayIntervalSeconds is < 1 or > 3600)
        {
            return (nameof(o.DisplayIntervalSeconds), $"display interval {o.DisplayIntervalSeconds} s is out of range (1-3600)");
        }

        if (o.HeartbeatTtlSeconds is < 1 or > 86_400)
        {
            return (nameof(o.HeartbeatTtlSeconds), $"heartbeat TTL {o.HeartbeatTtlSeconds} s is out of range (1-86400)");
        }

        if (o.MaxLeaseTtlSeconds is < 1 or > 86_400)
        {
            return (nameof(o.MaxLeaseTtlSeconds), $"max lease TTL {o.MaxLeaseTtlSeconds} s is out of range (1-86400)");
        }

        if (o.OtlpEndpoint is { } otlp && (!otlp.IsAbsoluteUri || otlp.Scheme is not ("http" or "https")))
        {
            return (nameof(o.OtlpEndpoint), $"OTLP endpoint '{otlp.OriginalString}' is not an http:// or https:// URL (e.g. http://localhost:4317)");
        }

        return null;
    }
}
