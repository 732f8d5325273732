using BalcaoVirtual.IntegrationTests.Support;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>Closes the Chromium that the browser tests of this namespace shared, once they have all run.</summary>
[SetUpFixture]
public sealed class BrowserTestsSetUp
{
    [OneTimeTearDown]
    public Task CloseChromiumAsync() => SystemChromium.CloseAsync();
}
