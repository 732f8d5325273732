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

    /// <summary>
    /// Waits until the page has gone to a URL <paramref name="where"/> accepts (the navigation committed), and no longer.
    /// Not Playwright's WaitForURLAsync: when the URL already matches, that one waits for the load event even with
    /// WaitUntil = Commit, and under the year-ahead pass (libfaketime in Chromium, CPU under load) a load event was seen
    /// to stall past 30 s. What the page must show is awaited by selector after this.
    /// </summary>
    public static async Task ArrivedAsync(this IPage page, Func<Uri, bool> where, string what)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnNavigated(object? sender, IFrame frame)
        {
            if (frame == page.MainFrame && where(new Uri(frame.Url)))
            {
                arrived.TrySetResult();
            }
        }

        // Listen first, then look: a navigation between the two is not missed.
        page.FrameNavigated += OnNavigated;
        try
        {
            if (where(new Uri(page.Url)))
            {
                return;
            }

            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the page did not go to {what} within 30 s; it is at {page.Url}");
        }
        finally
        {
            page.FrameNavigated -= OnNavigated;
        }
    }

    /// <summary>Waits until the page has gone to <paramref name="path"/> (any query); see <see cref="ArrivedAsync(IPage, Func{Uri, bool}, string)"/>.</summary>
    public static Task ArrivedAsync(this IPage page, string path) => page.ArrivedAsync(url => url.AbsolutePath == path, path);
}
