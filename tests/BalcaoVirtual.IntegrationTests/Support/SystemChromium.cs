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

    private static readonly SemaphoreSlim Launching = new(1, 1);
    private static (IPlaywright Playwright, IBrowser Browser)? shared;

    /// <summary>
    /// A session on the one Chromium of this test run (launched by the first test that asks, again if it went away):
    /// what the test opens in it is its own, and closed with the session. Contexts share nothing with each other
    /// (cookies, storage, cache), so a browser launched per test would isolate tests no better, only a few seconds slower.
    /// </summary>
    public static async Task<ChromiumSession> SessionAsync()
    {
        await Launching.WaitAsync();
        try
        {
            if (shared is not { Browser.IsConnected: true })
            {
                await CloseAsync();
                shared = await LaunchAsync();
            }

            return new ChromiumSession(shared.Value.Browser);
        }
        finally
        {
            Launching.Release();
        }
    }

    /// <summary>Closes the shared Chromium (once the browser tests have run; see <see cref="Browser.BrowserTestsSetUp"/>).</summary>
    public static async Task CloseAsync()
    {
        if (shared is { } running)
        {
            shared = null;
            await running.Browser.DisposeAsync();
            running.Playwright.Dispose();
        }
    }

    private static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
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

/// <summary>
/// One test's part of the shared Chromium: the contexts and pages it opens, each a fresh profile (no cookies, storage or
/// cache from another), all closed when it is disposed.
/// </summary>
internal sealed class ChromiumSession(IBrowser browser) : IAsyncDisposable
{
    private readonly List<IBrowserContext> contexts = [];

    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await browser.NewContextAsync(options);
        contexts.Add(context);
        return context;
    }

    /// <summary>A page in a new context of its own, as <see cref="IBrowser.NewPageAsync"/> opens one.</summary>
    public async Task<IPage> NewPageAsync(BrowserNewPageOptions? options = null)
    {
        var page = await browser.NewPageAsync(options);
        contexts.Add(page.Context);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (!browser.IsConnected)
        {
            return; // it went away with everything in it; the next session launches another
        }

        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }
    }
}
