using BalcaoVirtual.IntegrationTests.Support;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>
/// The browser tests of this namespace: they run two fixtures at a time beside the rest, so what a page is expected to
/// show gets up to 15 s (Playwright's 5 s is for an idle machine; a ceiling, not a measure of speed); the Chromium they
/// shared is closed once they have all run.
/// </summary>
[SetUpFixture]
public sealed class BrowserTestsSetUp
{
    [OneTimeSetUp]
    public void AllowForABusyMachine() => Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);

    [OneTimeTearDown]
    public Task CloseChromiumAsync() => SystemChromium.CloseAsync();
}
