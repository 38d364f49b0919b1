using Thermocline.Domain.Errors;
using Thermocline.Hub.Configuration;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.Configuration;

/// <summary>Where each hub setting comes from (flag, then environment, then .thermocline.json, then default), and what a bad one says.</summary>
public sealed class HubOptionsLoaderTests : IDisposable
{
    private readonly TempDirectory _repo = new("thermo-config");
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public void Dispose() => _repo.Dispose();

    private HubOptions Load(int? port = null, string? bind = null, string? token = null) =>
        HubOptionsLoader.Load(new HubOptionsLoader.Flags(_repo.Path, null, port, bind, token, null), name => _environment.GetValueOrDefault(name));

    private string Fails(int? port = null, string? bind = null, string? token = null)
    {
        var e = Assert.Throws<ThermoclineException>(() => Load(port, bind, token));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        return e.Message;
    }

    private void File(string json) => System.IO.File.WriteAllText(_repo.Combine(".thermocline.json"), json);

    private string FileSource => $".thermocline.json in {_repo.Path}";

    [Fact]
    public void NothingGiven_EverySettingIsItsDefault()
    {
        var options = Load();

        Assert.Equal((7420, "127.0.0.1", "", null, TimeSpan.FromSeconds(30)), (options.Port, options.Bind, options.KeyPrefix, options.Redis, options.DisplayInterval));
        Assert.Equal(TimeSpan.FromMinutes(5), options.HeartbeatTtl);
        Assert.Equal(["Repository"], options.Sources.Keys);
    }

    [Fact]
    public void AFlagBeatsTheEnvironment_WhichBeatsTheFile_AndEachIsNamedAsTheSource()
    {
        File("{\"port\": 7500, \"keyPrefix\": \"team-a:\", \"persist\": true, \"displayIntervalSeconds\": 5}");
        _environment["THERMO_PORT"] = "7600";

        Assert.Equal((7700, "--port"), (Load(port: 7700).Port, Load(port: 7700).Sources["Port"]));
        var options = Load();
        Assert.Equal((7600, "THERMO_PORT"), (options.Port, options.Sources["Port"]));
        Assert.Equal(("team-a:", FileSource), (options.KeyPrefix, options.Sources["KeyPrefix"]));
        Assert.Equal((true, TimeSpan.FromSeconds(5)), (options.PersistEmbedded, options.DisplayInterval));

        _environment.Remove("THERMO_PORT");
        Assert.Equal((7500, FileSource), (Load().Port, Load().Sources["Port"]));
    }

    [Fact]
    public void AnEmptyVariable_IsNotASetting()
    {
        File("{\"port\": 7500}");
        _environment["THERMO_PORT"] = "";

        Assert.Equal(7500, Load().Port);
    }

    [Fact]
    public void AValueOfTheWrongKind_NamesTheSettingAndItsSource()
    {
        _environment["THERMO_PORT"] = "seventy";
        Assert.Equal("invalid hub setting Port (from THERMO_PORT): 'seventy' is not a whole number.", Fails());

        _environment.Clear();
        File("{\"heartbeatTtlSeconds\": \"long\"}");
        Assert.Equal($"invalid hub setting HeartbeatTtlSeconds (from {FileSource}): 'long' is not a number.", Fails());
    }

    [Fact]
    public void AnOutOfRangeValue_NamesTheSettingItsSourceAndTheRange()
    {
        File("{\"port\": 70000}");
        Assert.Equal($"invalid hub setting Port (from {FileSource}): port 70000 is out of range (0-65535).", Fails());

        Assert.Equal("invalid hub setting Bind (from --bind): listening on 0.0.0.0 (off loopback) needs a bearer token: pass --token or set THERMO_TOKEN.", Fails(port: 1, bind: "0.0.0.0"));
        Assert.Contains("invalid hub setting Token (from --token): the token is shorter than 16 characters", Fails(port: 1, token: "short"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheFile_MayNotHoldTheToken_NorUnknownSettings_AndMustBeJson()
    {
        File("{\"token\": \"0123456789abcdef0123\"}");
        Assert.Contains("sets \"token\"; a secret does not belong in a file in the repository. Use THERMO_TOKEN.", Fails(), StringComparison.Ordinal);

        File("{\"port\": 7500, \"prot\": 1}");
        Assert.Contains("has unknown setting(s): prot; known: redis, port, bind, branch, remote, fetchIntervalSeconds, advertise, leaderTtlSeconds, keyPrefix, persist,", Fails(), StringComparison.Ordinal);

        File("{\"port\": 7500,");
        Assert.Contains(".thermocline.json is not valid JSON (", Fails(), StringComparison.Ordinal);
    }
}
