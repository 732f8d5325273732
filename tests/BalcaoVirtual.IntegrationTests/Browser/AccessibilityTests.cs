using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>Every page a clerk, a manager or an admin works in, and the public page, checked by axe-core in Chromium.</summary>
public sealed class AccessibilityTests
{
    [Test]
    public async Task EveryPage_HasNoSeriousOrCriticalAxeViolation()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        await bot.SayAsync("Oi", to: BotHarness.Central);
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        await using var browser = await SystemChromium.SessionAsync();
        var found = new List<string>();

        async Task CheckAsync(IPage page, string what, string? ready = null)
        {
            if (ready is not null)
            {
                await page.Locator(ready).First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
            }

            var result = await AxeAsync(page);
            Assert.That(result.Passes, Is.Positive, $"{what}: axe ran");
            foreach (var v in result.Violations.Where(v => v.Impact is not ("serious" or "critical")))
            {
                TestContext.Out.WriteLine($"{what}: {v.Id} ({v.Impact}) {v.Help}");
            }
            found.AddRange(result.Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{what}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(", ", v.Targets.Take(3))}"));
        }

        foreach (var width in new[] { 1280, 360 })
        {
            var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 800 }, Locale = "pt-BR" })).NewPageAsync();
            await page.GotoAsync(bot.BaseUrl + "/");
            await CheckAsync(page, $"public page ({width})", "main");
            await page.GotoAsync(bot.BaseUrl + "/entrar");
            await CheckAsync(page, $"sign-in ({width})", "#email");
            await page.FillAsync("#email", ApiFactory.AdminEmail);
            await page.FillAsync("#password", ApiFactory.AdminPassword);
            await page.ClickAsync("button[type=submit]");
            await page.ArrivedAsync("/inbox");
            await CheckAsync(page, $"workspace ({width})", $"li[data-id='{conversation.Id}']");
            await page.GotoAsync($"{bot.BaseUrl}/inbox/conversations/{conversation.Id}");
            await CheckAsync(page, $"conversation ({width})", "#reply");
            await page.Locator("details.bot-fold summary").First.ClickAsync();
            await page.Keyboard.PressAsync("?");
            await CheckAsync(page, $"conversation with the shortcuts open ({width})", "dialog#shortcuts");
            foreach (var (path, ready) in new[]
            {
                ("/admin/users", "#users tbody tr"), ("/admin/units", "#n-unit"), ("/admin/audit", "#audit"), ("/admin/privacy", "#requests"),
                ("/admin/canned", "#canned-list li"), ("/conta", "#pw-current"), ("/reports/sla/trt8-vt-macapa-7/2026-11", "form.report-picker"),
                ("/reports/sla/trt8-vt-macapa-7/novembro", "p.error"), ("/agenda", "#a-status:not(:empty)"), ("/unidades/trt8-vt-macapa-7/agendar", "form"),
            })
            {
                await page.GotoAsync(bot.BaseUrl + path);
                await CheckAsync(page, $"{path} ({width})", ready);
            }
        }

        Assert.That(found, Is.Empty);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>axe-core's script, as the Deque package bundles it.</summary>
    private static readonly Lazy<string> AxeSource = new(() => new Deque.AxeCore.Commons.BundledAxeScriptProvider().GetScript());

    /// <summary>
    /// axe-core run on the page as it is, for the violations and the number of rules passed only. (The package's
    /// RunAxe brings back every node of every result, passes included: 1.5–2 s a page against 0.1 s for the run.)
    /// The script is evaluated, not added as a tag: the pages' CSP refuses inline scripts.
    /// </summary>
    private static async Task<AxeFindings> AxeAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(AxeSource.Value);
        }

        var found = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
            async () => {
              const r = await axe.run(document, { resultTypes: ['violations'] });
              return {
                passes: r.passes.length,
                violations: r.violations.map(v => ({ id: v.id, impact: v.impact || '', help: v.help, targets: v.nodes.map(n => JSON.stringify(n.target)) })),
              };
            }
            """);
        return System.Text.Json.JsonSerializer.Deserialize<AxeFindings>(found, Json)!;
    }

    private sealed record AxeFindings(int Passes, IReadOnlyList<AxeViolation> Violations);

    private sealed record AxeViolation(string Id, string Impact, string Help, IReadOnlyList<string> Targets);
}
