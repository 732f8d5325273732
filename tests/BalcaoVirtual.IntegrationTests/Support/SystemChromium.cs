using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>Debian's Chromium driven by Playwright (no browser download: the executable is the system one).</summary>
internal static class SystemChromium
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Where a browser test keeps a screenshot for the docs: docs/screenshots/<paramref name="name"/>.</summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Path.Combine(Path.GetDirectoryName(TestServers.RepoFile("BalcaoVirtual.sln"))!, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"Chromium is not installed at {ChromiumPath}: run ./test.sh (it installs it) or 'apt-get install chromium'.");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        return (playwright, browser);
    }
}
