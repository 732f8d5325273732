using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>The LGPD admin pages in Chromium: the audit trail, and a data subject's export and erasure.</summary>
public sealed class AuditPageTests
{
    [Test]
    public async Task Admin_SearchesTheAuditTrail_ByAction()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        await bot.SayAsync("Preciso falar com a vara: minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        using (var clerk = await bot.Factory.ClientForNewUserAsync("servidor.auditoria@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]))
        {
            await clerk.GetAsync($"/api/conversations/{conversation.Id}");
        }

        await using var browser = await SystemChromium.SessionAsync();
        var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 700 } })).NewPageAsync();
        await page.GotoAsync(bot.BaseUrl + "/admin/audit");
        await page.FillAsync("#email", ApiFactory.AdminEmail);
        await page.FillAsync("#password", ApiFactory.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.ArrivedAsync("/admin/audit");

        await Assertions.Expect(page.Locator("#audit tbody tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Trilha de auditoria");
        await page.FillAsync("#a-action", "conversation.view");
        await page.ClickAsync("form.audit-filter button");
        await Assertions.Expect(page.Locator("#audit tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#audit tbody tr")).ToContainTextAsync(conversation.Id);
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("audit.png"), FullPage = true });

        await page.FillAsync("#a-action", "nada.disso");
        await page.ClickAsync("form.audit-filter button");
        await Assertions.Expect(page.Locator("p.status")).ToHaveTextAsync("Nenhum registro neste período.");
    }

    [Test]
    public async Task Admin_ExportsAndErasesASubjectsData_OnThePrivacyPage_AndTheRequestsAreListed()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        await bot.SayAsync("Preciso falar com a vara: sou a titular.", from: "whatsapp:+5591987654321", to: BotHarness.MacapaNumber);

        await using var browser = await SystemChromium.SessionAsync();
        var page = await (await browser.NewContextAsync(new() { AcceptDownloads = true })).NewPageAsync();
        await page.GotoAsync(bot.BaseUrl + "/admin/privacy");
        await page.FillAsync("#email", ApiFactory.AdminEmail);
        await page.FillAsync("#password", ApiFactory.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.ArrivedAsync("/admin/privacy");

        await page.FillAsync("#p-phone", "+5591987654321");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#p-html"));
        Assert.That(download.SuggestedFilename, Does.EndWith(".html"));
        Assert.That(await File.ReadAllTextAsync((await download.PathAsync())!), Does.Contain("sou a titular"));

        await page.ClickAsync("#p-erase");
        await Assertions.Expect(page.Locator("p.status")).ToContainTextAsync("confirm");
        await page.CheckAsync("#p-confirm");
        await page.ClickAsync("#p-erase");
        await Assertions.Expect(page.Locator("p.status")).ToHaveTextAsync("Exclusão feita: 1 conversa(s) anonimizada(s).");
        await Assertions.Expect(page.Locator("#requests tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#requests tbody tr").First).ToContainTextAsync("(91) *****-4321");
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("privacy.png"), FullPage = true });
    }
}
