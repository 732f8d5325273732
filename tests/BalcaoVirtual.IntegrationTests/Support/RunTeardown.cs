using BalcaoVirtual.IntegrationTests.Support;

namespace BalcaoVirtual.IntegrationTests;

/// <summary>Stops what the whole run shared (the Redis Cluster) once every test is done.</summary>
[SetUpFixture]
public sealed class RunTeardown
{
    [OneTimeTearDown]
    public Task StopSharedServersAsync() => StoreBackend.StopSharedClusterAsync();
}
