using Thermocline.Domain.Errors;

namespace Thermocline.Sync.Tests.Units;

public sealed class SyncOptionsTests
{
    [Fact]
    public void Validate_Defaults_Accepted()
    {
        var options = new SyncOptions();

        options.Validate();

        Assert.Equal(TimeSpan.FromSeconds(30), options.DisplayInterval);
    }

    [Theory]
    [InlineData(nameof(SyncOptions.DisplayInterval))]
    [InlineData(nameof(SyncOptions.SweepInterval))]
    [InlineData(nameof(SyncOptions.ReconcileInterval))]
    [InlineData(nameof(SyncOptions.HubAgent))]
    public void Validate_OutOfRange_NamesTheProperty(string property)
    {
        var options = new SyncOptions();
        switch (property)
        {
            case nameof(SyncOptions.DisplayInterval):
                options.DisplayInterval = TimeSpan.FromMilliseconds(10);
                break;
            case nameof(SyncOptions.SweepInterval):
                options.SweepInterval = TimeSpan.FromHours(2);
                break;
            case nameof(SyncOptions.ReconcileInterval):
                options.ReconcileInterval = TimeSpan.Zero;
                break;
            default:
                options.HubAgent = "bad agent|name";
                break;
        }

        var e = Assert.Throws<ThermoclineException>(options.Validate);

        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Contains(property, e.Message, StringComparison.Ordinal);
    }
}
