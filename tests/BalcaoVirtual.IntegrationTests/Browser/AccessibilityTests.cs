using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>Every page a clerk, a manager or an admin works in, and the public page, checked by axe-core in Chromium.</summary>
[NonParallelizable]
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

            var result = await page.RunAxe();
            Assert.That(result.Passes, Is.Not.Empty, $"{what}: axe ran");
            foreach (var v in result.Violations.Where(v => v.Impact is not ("serious" or "critical")))
            {
                TestContext.Out.WriteLine($"{what}: {v.Id} ({v.Impact}) {v.Help}");
            }
            found.AddRange(result.Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{what}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}"));
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
                ("/admin/canned", "#c-unit"), ("/conta", "#pw-current"), ("/reports/sla/trt8-vt-macapa-7/2026-11", "form.report-picker"),
                ("/reports/sla/trt8-vt-macapa-7/novembro", "p.error"),
            })
            {
                await page.GotoAsync(bot.BaseUrl + path);
                await CheckAsync(page, $"{path} ({width})", ready);
            }
        }

        Assert.That(found, Is.Empty);
    }
}
