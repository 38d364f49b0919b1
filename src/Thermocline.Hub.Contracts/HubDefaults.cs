namespace Thermocline.Hub;

/// <summary>Defaults of the hub, in one place.</summary>
public static class HubDefaults
{
    /// <summary>The port the hub listens on and agents call (7420).</summary>
    public const int Port = 7420;

    /// <summary>The hub agents reach when neither <c>--hub</c> nor <c>THERMO_HUB</c> says otherwise.</summary>
    public const string Url = "http://127.0.0.1:7420";

    /// <summary>The largest request body accepted (64 KiB): requests are a few fields.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>The optional configuration file, at the repository's root.</summary>
    public const string ConfigFileName = ".thermocline.json";
}
