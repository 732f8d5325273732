using System.Globalization;
using System.IO.Compression;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Court;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>
/// The public page in Chromium at a cheap phone's width (360 px) with JavaScript off: search by town and by case number,
/// the video-desk link only inside the desk's hours (the test clock moves), landmarks, labels, focus and contrast, and
/// nothing downloaded but the page itself. The clock starts on Monday 23/11/2026 at 09:00 in Belém; desks open 8h–13h.
/// </summary>
public sealed class PublicPageTests
{
    private const string Macapa = "trt8-vt-macapa-7";
    private BotHarness bot = null!;
    private ChromiumSession browser = null!;
    private IPage page = null!;
    private readonly List<string> requests = [];

    [SetUp]
    public async Task StartAsync()
    {
        requests.Clear();
        bot = await BotHarness.StartAsync(kestrel: true);
        browser = await SystemChromium.SessionAsync();
        var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 360, Height = 740 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            JavaScriptEnabled = false, // it must work without script
        });
        page = await context.NewPageAsync();
        page.Request += (_, r) => requests.Add(r.Url);
    }

    [TearDown]
    public async Task StopAsync()
    {
        await browser.DisposeAsync();
        await bot.DisposeAsync();
    }

    private async Task SearchAsync(string text)
    {
        await page.FillAsync("#bv-q", text);
        // The form itself submits (no script): Enter, then wait for the page it leads to (each search here is new).
        var before = page.Url;
        await page.PressAsync("#bv-q", "Enter");
        await page.ArrivedAsync(url => url.ToString() != before, "the search results");
        // The new document is parsed to its end once its footer is there (a load-state wait here timed out once
        // in a clean run after the page had loaded).
        await page.Locator("footer").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    private Task<IReadOnlyList<string>> UnitNamesAsync() => page.Locator(".bv-unit h2").AllInnerTextsAsync();

    [Test]
    public async Task Search_ByTownAndByCaseNumber_FindsTheUnit_OnAPhoneWithoutScript()
    {
        var response = await page.GotoAsync(bot.BaseUrl + "/");
        Assert.That(response!.Status, Is.EqualTo(200));
        Assert.That(await UnitNamesAsync(), Has.Count.EqualTo(8), "every unit, open or closed");
        // How to tell the desk from the fake-lawyer scam, before the list: the rule, and where to check a number.
        Assert.That(await page.InnerTextAsync("header .bv-official"), Does.StartWith("Cuidado com o golpe do falso advogado:")
            .And.Contain("nunca pede PIX").And.Contain("(91) 3000-0000"));
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("public-page-360.png") });
        Assert.That(requests, Has.Count.EqualTo(1), "no stylesheet, script, font or image to download: " + string.Join(", ", requests));

        // A town, typed as on a phone: no accent, lower case.
        await SearchAsync("macapa");
        Assert.That(await UnitNamesAsync(), Is.EqualTo(new[] { "7ª Vara do Trabalho de Macapá" }));
        await SearchAsync("belem");
        Assert.That(await UnitNamesAsync(), Has.Count.EqualTo(3).And.All.Contain("Belém"));

        // A case number jumps to the unit that owns it (origin 0210 = Macapá).
        var number = CnjNumber.Create(4567, 2025, 5, 8, 210).Canonical;
        await SearchAsync($"processo {number}");
        Assert.That(page.Url, Does.Contain($"/unidades/{Macapa}"));
        Assert.That(await UnitNamesAsync(), Is.EqualTo(new[] { "7ª Vara do Trabalho de Macapá" }));
        Assert.That(await page.InnerTextAsync(".bv-note"), Is.EqualTo($"O processo {number} tramita nesta unidade."));
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("public-unit-360.png"), FullPage = true });

        // A mistyped number says so, and what a citizen typed is shown as text, never run.
        var typo = number[..5] + (number[5] == '9' ? '0' : (char)(number[5] + 1)) + number[6..];
        await SearchAsync(typo);
        Assert.That(await page.InnerTextAsync(".bv-note"), Does.Contain("dígitos verificadores"));
        await SearchAsync("<b>xyzzy</b><img src=x>");
        Assert.That(await page.InnerTextAsync(".bv-note"), Does.Contain("<b>xyzzy</b><img src=x>"));
        Assert.That(await page.InputValueAsync("#bv-q"), Is.EqualTo("<b>xyzzy</b><img src=x>"));
        Assert.That(await page.QuerySelectorAsync("main b, main img"), Is.Null, "markup typed by a citizen stays text");
        Assert.That(await UnitNamesAsync(), Has.Count.EqualTo(8), "nothing found: every unit, with the note");
    }

    [Test]
    public async Task VideoLink_ShowsOnlyWhileTheDeskIsOpen_ElseTheHoursAndWhenItOpens()
    {
        var card = $"li#{Macapa}";
        await page.GotoAsync(bot.BaseUrl + "/");
        Assert.That(await page.GetAttributeAsync($"{card} a.bv-meet", "href"), Does.StartWith("https://meet.google.com/"), "open at 09:00");
        Assert.That(await page.InnerTextAsync($"{card} .bv-status"), Is.EqualTo("Aberta agora, até as 13h"));

        // 13:00 sharp: closed for the day.
        bot.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.FromHours(-3)));
        await page.ReloadAsync();
        Assert.That(await page.QuerySelectorAsync($"{card} a.bv-meet"), Is.Null, "no link outside the hours");
        Assert.That(await page.InnerTextAsync($"{card} dl"), Does.Contain("Disponível só no horário de atendimento.").And.Contain("segunda a sexta, das 8h às 13h"));
        Assert.That(await page.InnerTextAsync($"{card} .bv-status"), Is.EqualTo("Fechada (fora do horário de atendimento). Abre terça-feira, 24/11, às 8h"));

        // Back inside the hours the next Monday: the link is back.
        bot.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 12, 59, 0, TimeSpan.FromHours(-3)));
        await page.ReloadAsync();
        Assert.That(await page.QuerySelectorAsync($"{card} a.bv-meet"), Is.Not.Null);

        // The forensic recess (20/12 to 6/1): closed, why, and when it opens again.
        bot.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 22, 10, 0, 0, TimeSpan.FromHours(-3)));
        await page.ReloadAsync();
        Assert.That(await page.QuerySelectorAsync($"{card} a.bv-meet"), Is.Null);
        Assert.That(await page.InnerTextAsync($"{card} .bv-status"), Is.EqualTo("Fechada (recesso forense). Abre quinta-feira, 07/01, às 8h"));
    }

    [Test]
    public async Task Page_HasLandmarksHeadingsLabels_VisibleFocus_AndReadableContrast_AndWeighsLittle()
    {
        var response = await page.GotoAsync(bot.BaseUrl + "/");
        var body = await response!.BodyAsync();
        using var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
        {
            await gzip.WriteAsync(body);
        }

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Public page with 8 units: {body.Length} bytes, {gzipped.Length} gzipped, {requests.Count} request(s)."));
        Assert.That(body.Length, Is.LessThan(30_000), "a small page for poor data");
        Assert.That(await page.Locator("header").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator("main").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator("footer").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator("form[role=search]").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator("h1").AllInnerTextsAsync(), Is.EqualTo(new[] { "Balcão Virtual" }));
        Assert.That(await page.Locator("label[for=bv-q]").InnerTextAsync(), Does.Contain("cidade"));
        Assert.That(await page.GetAttributeAsync("html", "lang"), Is.EqualTo("pt-BR"));

        // Keyboard: the first Tab reaches the skip link, which is then visible; a focused field shows a solid outline.
        await page.Keyboard.PressAsync("Tab");
        Assert.That(await page.EvaluateAsync<string>("() => document.activeElement.className"), Is.EqualTo("skip"));
        await page.FocusAsync("#bv-q");
        Assert.That(await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"), Is.EqualTo("solid"));

        // WCAG AA: every piece of text at least 4.5:1 against the white page.
        var failures = await page.EvaluateAsync<string[]>("""
            () => {
              const lum = c => { const [r, g, b] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
              const bg = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor; if (!c.endsWith(', 0)') && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
              const out = [];
              for (const el of document.querySelectorAll('body *')) {
                if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
                const style = getComputedStyle(el);
                if (style.position === 'absolute' && parseInt(style.left) < -100) continue; // the skip link, off screen
                const [a, b] = [lum(style.color), lum(bg(el))];
                const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                if (ratio < 4.5) out.push(el.tagName + ' ' + ratio.toFixed(2) + ' ' + el.textContent.trim().slice(0, 40));
              }
              return out;
            }
            """);
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task Fragment_IsTheListAlone_ForAPortal_WithAbsoluteLinks()
    {
        using var http = new HttpClient { BaseAddress = new Uri(bot.BaseUrl) };
        using var response = await http.GetAsync("/fragmento?q=macapa");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "*" }));
            Assert.That(html, Does.StartWith("<section class=\"bv\"").And.Not.Contain("<html").And.Not.Contain("<body"));
            Assert.That(html, Does.Contain($"href=\"{bot.BaseUrl}/unidades/{Macapa}\"").And.Contain($"action=\"{bot.BaseUrl}/\""));
            Assert.That(html, Does.Contain("7ª Vara do Trabalho de Macapá").And.Not.Contain("Belém –"));
        });
    }
}
