using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>The audit trail page in Chromium: an admin finds who signed in and who opened a conversation.</summary>
[NonParallelizable]
public sealed class AuditPageTests
{
    [Test]
    public async Task Admin_SearchesTheAuditTrail_ByAction()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        await bot.SayAsync("Preciso falar com a vara sobre meu processo.", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        using (var clerk = await bot.Factory.ClientForNewUserAsync("servidor.auditoria@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]))
        {
            await clerk.GetAsync($"/api/conversations/{conversation.Id}");
        }

        var (playwright, browser) = await SystemChromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 700 } })).NewPageAsync();
        await page.GotoAsync(bot.BaseUrl + "/admin/audit");
        await page.FillAsync("#email", ApiFactory.AdminEmail);
        await page.FillAsync("#password", ApiFactory.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/admin/audit");

        await Assertions.Expect(page.Locator("#audit tbody tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Trilha de auditoria");
        await page.FillAsync("#a-action", "conversation.view");
        await page.ClickAsync("form.audit-filter button");
        await Assertions.Expect(page.Locator("#audit tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#audit tbody tr")).ToContainTextAsync(conversation.Id);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetDirectoryName(TestServers.RepoFile("BalcaoVirtual.sln"))!, "docs", "screenshots", "audit.png"), FullPage = true });

        await page.FillAsync("#a-action", "nada.disso");
        await page.ClickAsync("form.audit-filter button");
        await Assertions.Expect(page.Locator("p.status")).ToHaveTextAsync("Nenhum registro neste período.");
    }
}
