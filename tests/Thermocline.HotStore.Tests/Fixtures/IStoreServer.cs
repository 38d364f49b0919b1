namespace Thermocline.HotStore.Tests.Fixtures;

/// <summary>A Redis-compatible server the contract suite runs against.</summary>
public interface IStoreServer
{
    /// <summary>A connection string for it.</summary>
    string ConnectionString { get; }
}
