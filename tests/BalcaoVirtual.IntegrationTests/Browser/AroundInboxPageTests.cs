using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>The pages around the inbox in Chromium: the report, Minha conta, the people picker, the audit, the sign-in.</summary>
public sealed class AroundInboxPageTests
{
    private const string Password = "senha-forte-do-servidor";
    private const string Macapa = "trt8-vt-macapa-7";

    /// <summary>The sample court with 60 units: the sample's 8 and 52 more, one of them with an accented name.</summary>
    private static string SixtyUnits() => TestServers.SampleCatalog(doc =>
    {
        var units = doc["units"]!.AsArray();
        var template = units.Single(u => (string?)u!["id"] == "trt8-vt-belem-2")!;
        for (var i = 1; i <= 52; i++)
        {
            var unit = template.DeepClone();
            unit["id"] = i == 52 ? "trt8-vt-obidos-1" : $"trt8-vt-cidade-{i:00}";
            unit["name"] = i == 52 ? "Vara do Trabalho de Óbidos" : $"Vara do Trabalho da Cidade {i:00}";
            unit["originCodes"] = new JsonArray((9000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
            unit["channels"] = new JsonObject { ["whatsApp"] = new JsonArray(), ["sms"] = new JsonArray() };
            unit["videoDeskUrl"] = null;
            unit["managers"] = new JsonArray();
            units.Add(unit);
        }
    });

    [Test]
    public async Task PeoplePage_PicksUnitsOutOfSixty_ByTypingAndByKeyboard()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Units:Catalog"] = SixtyUnits() }, kestrel: true);
        await using var browser = await SystemChromium.SessionAsync();
        var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 900 } })).NewPageAsync();
        await InboxPageTests.SignInAsync(page, bot.BaseUrl, ApiFactory.AdminEmail, ApiFactory.AdminPassword);
        await page.ClickAsync("header a[href='/admin/users']");
        await page.WaitForSelectorAsync("#users tbody tr");
        var options = page.Locator("#u-clerk-options li:visible");
        await Assertions.Expect(options).ToHaveCountAsync(60);

        // Without the accent, a part of the name: one unit left; Enter picks it (and does not submit the form).
        await page.FillAsync("#u-clerk-filter", "obidos");
        await Assertions.Expect(options).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#u-clerk-count")).ToHaveTextAsync("1 de 60 unidades na lista.");
        await page.PressAsync("#u-clerk-filter", "Enter");
        await Assertions.Expect(page.Locator("#u-clerk .chips button")).ToHaveTextAsync("Vara do Trabalho de Óbidos ×");

        // Several words, each in the name or the id; the arrow keys go into the list, space picks.
        await page.FillAsync("#u-clerk-filter", "trabalho cidade-4");
        await Assertions.Expect(options).ToHaveCountAsync(10); // 40 to 49
        await page.PressAsync("#u-clerk-filter", "ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Space");
        Assert.That(await page.EvaluateAsync<string>("() => document.activeElement.value"), Is.EqualTo("trt8-vt-cidade-41"));
        await page.FillAsync("#u-clerk-filter", "zzz");
        await Assertions.Expect(page.Locator("#u-clerk-count")).ToHaveTextAsync("Nenhuma unidade com “zzz”.");
        await page.FillAsync("#u-clerk-filter", Macapa);
        await page.PressAsync("#u-clerk-filter", "Enter");
        await Assertions.Expect(page.Locator("#u-clerk .chips li")).ToHaveCountAsync(3);

        // A chip takes its unit away again.
        await page.ClickAsync("#u-clerk .chips button[aria-label='Remover Vara do Trabalho da Cidade 41']");
        await Assertions.Expect(page.Locator("#u-clerk .chips li")).ToHaveCountAsync(2);
        Assert.That(await page.IsCheckedAsync("#u-clerk-options input[value='trt8-vt-cidade-41']"), Is.False);

        await page.FillAsync("#u-name", "Joana Servidora");
        await page.FillAsync("#u-email", "joana@trt8.jus.br");
        await page.FillAsync("#u-password", Password);
        await page.ClickAsync("form > fieldset > button[type=submit]");
        var row = page.Locator("#users tr[data-email='joana@trt8.jus.br']");
        await Assertions.Expect(row).ToContainTextAsync("Vara do Trabalho de Óbidos");
        await Assertions.Expect(row).ToContainTextAsync("7ª Vara do Trabalho de Macapá");
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("people-picker.png") });
    }

    [Test]
    public async Task SignIn_ShowsTheCourtsName_AndKeepsTheEmailAfterAWrongPassword_AsText()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        await using var browser = await SystemChromium.SessionAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(bot.BaseUrl + "/entrar");
        await Assertions.Expect(page.Locator("main .court")).ToHaveTextAsync("Tribunal Regional do Trabalho da 8ª Região (Pará e Amapá)");

        await page.FillAsync("#email", ApiFactory.AdminEmail);
        await page.FillAsync("#password", "senha-errada-123");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("p.error")).ToHaveTextAsync("E-mail ou senha incorretos.");
        Assert.That(await page.InputValueAsync("#email"), Is.EqualTo(ApiFactory.AdminEmail));
        Assert.That(await page.InputValueAsync("#password"), Is.Empty, "never the password");

        // What comes back is the text typed, never markup.
        const string Typed = "x\"><img src=x onerror=\"window.pwned=1\">@trt8.jus.br";
        await page.EvaluateAsync("() => document.getElementById('email').type = 'text'");
        await page.FillAsync("#email", Typed);
        await page.FillAsync("#password", "senha-errada-123");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("p.error");
        Assert.That(await page.InputValueAsync("#email"), Is.EqualTo(Typed));
        Assert.That(await page.EvaluateAsync<bool>("() => window.pwned === undefined && !document.querySelector('main img')"), Is.True);
    }

    [Test]
    public async Task AuditPage_ShowsNames_PortugueseActions_AndTheCourtsTime()
    {
        // The court on Manaus time, the browser on Tokyo's: the page must show the court's.
        var catalog = TestServers.SampleCatalog(doc => doc["courts"]![0]!["timeZone"] = "America/Manaus");
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Units:Catalog"] = catalog }, kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("clara@trt8.jus.br", clerkOf: [Macapa], name: "Clara Servidora")).Dispose();
        await bot.Factory.Services.GetRequiredService<AuditTrail>().RecordAsync("teste.novo", null, null, "shell");
        await using var browser = await SystemChromium.SessionAsync();
        var page = await (await browser.NewContextAsync(new() { TimezoneId = "Asia/Tokyo", ViewportSize = new() { Width = 1280, Height = 800 } })).NewPageAsync();
        await InboxPageTests.SignInAsync(page, bot.BaseUrl, ApiFactory.AdminEmail, ApiFactory.AdminPassword);
        await page.GotoAsync(bot.BaseUrl + "/admin/audit");

        var clara = page.Locator("#audit tbody tr", new() { Has = page.Locator("td[data-action='signin']") }).Filter(new() { HasText = "Clara Servidora" });
        await Assertions.Expect(clara).ToHaveCountAsync(1);
        await Assertions.Expect(clara.Locator("td").Nth(2)).ToHaveTextAsync("Entrou");
        await Assertions.Expect(clara.Locator("td").First).ToContainTextAsync("23/11/2026");
        await Assertions.Expect(clara.Locator("td").First).ToContainTextAsync("08:00"); // 12:00 UTC in Manaus
        var created = page.Locator("#audit tbody tr", new() { Has = page.Locator("td[data-action='user.create']") });
        await Assertions.Expect(created.Locator("td").Nth(2)).ToHaveTextAsync("Cadastrou pessoa");
        await Assertions.Expect(created.Locator("td").Nth(3)).ToContainTextAsync("Clara Servidora");
        var unknown = page.Locator("#audit tbody tr", new() { Has = page.Locator("td[data-action='teste.novo']") });
        await Assertions.Expect(unknown.Locator("td").Nth(1)).ToHaveTextAsync("Linha de comando do servidor");
        await Assertions.Expect(unknown.Locator("td").Nth(2)).ToHaveTextAsync("teste.novo");
        await Assertions.Expect(page.Locator("#audit-zone")).ToHaveTextAsync("Horários no fuso do tribunal (America/Manaus).");
    }

    [Test]
    public async Task AccountPage_ChangesTheOwnPassword_FieldErrorsInPortuguese_OtherSessionsEnd()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("clara@trt8.jus.br", clerkOf: [Macapa], name: "Clara Servidora")).Dispose();
        await using var browser = await SystemChromium.SessionAsync();
        var elsewhere = await (await browser.NewContextAsync()).NewPageAsync();
        await InboxPageTests.SignInAsync(elsewhere, bot.BaseUrl, "clara@trt8.jus.br");
        foreach (var width in new[] { 1280, 360 })
        {
            var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 800 }, Locale = "pt-BR" })).NewPageAsync();
            await InboxPageTests.SignInAsync(page, bot.BaseUrl, "clara@trt8.jus.br", width == 1280 ? Password : "outra-senha-bem-longa");
            await page.ClickAsync("header a[href='/conta']");
            await page.ArrivedAsync("/conta");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Minha conta");
            await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath($"account-{width}.png"), FullPage = true });
            if (width == 360)
            {
                break;
            }

            await page.FillAsync("#pw-current", "nao-e-a-senha");
            await page.FillAsync("#pw-new", "curta");
            await page.FillAsync("#pw-confirm", "curta");
            await page.ClickAsync("main form button[type=submit]");
            await Assertions.Expect(page.Locator("#pw-new-error")).ToHaveTextAsync("A senha deve ter pelo menos 10 caracteres.");
            Assert.That(await page.GetAttributeAsync("#pw-new", "aria-invalid"), Is.EqualTo("true"));

            await page.FillAsync("#pw-new", "outra-senha-bem-longa");
            await page.FillAsync("#pw-confirm", "outra-senha-bem-longa");
            await page.ClickAsync("main form button[type=submit]");
            await Assertions.Expect(page.Locator("#pw-current-error")).ToHaveTextAsync("A senha atual não confere.");
            Assert.That(await page.IsHiddenAsync("#pw-new-error"), Is.True);

            await page.FillAsync("#pw-current", Password);
            await page.ClickAsync("main form button[type=submit]");
            await Assertions.Expect(page.Locator("main p.status")).ToHaveTextAsync("Senha trocada. As suas outras sessões foram encerradas; esta continua aberta.");
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Minha conta"); // still signed in here
            await elsewhere.ReloadAsync();
            Assert.That(elsewhere.Url, Does.Contain("/entrar"), "the other session ended");
        }
    }

    [Test]
    public async Task ReportPage_ReachedFromTheHeader_PicksAnotherMonth()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("clara@trt8.jus.br", clerkOf: [Macapa, "trt8-vt-belem-1"], name: "Clara Servidora")).Dispose();
        await using var browser = await SystemChromium.SessionAsync();
        foreach (var width in new[] { 1280, 360 })
        {
            var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 800 }, Locale = "pt-BR" })).NewPageAsync();
            await InboxPageTests.SignInAsync(page, bot.BaseUrl, "clara@trt8.jus.br");
            await page.ClickAsync("header a[href='/reports/sla']");
            await page.ArrivedAsync("/reports/sla/trt8-vt-belem-1/2026-11");
            await page.SelectOptionAsync("#r-unit", [Macapa]);
            await page.FillAsync("#r-month", "2026-10");
            await page.ClickAsync("form.report-picker button");
            await page.ArrivedAsync($"/reports/sla/{Macapa}/2026-10");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Prazos da 7ª Vara do Trabalho de Macapá: outubro de 2026");
            await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath($"report-{width}.png"), FullPage = width == 1280 });
        }
    }

    /// <summary>A unit's manager reads the month's satisfaction: the figures and each comment, as text, linked to its conversation.</summary>
    [Test]
    public async Task ReportPage_ShowsTheManagerTheSatisfaction_WithTheCommentsAsText()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        using var clerk = await bot.Factory.ClientForNewUserAsync("rita.pesquisa@trt8.jus.br", clerkOf: [Macapa]);
        (await bot.Factory.ClientForNewUserAsync("chefe.rel@trt8.jus.br", managerOf: [Macapa], name: "Chefe")).Dispose();
        foreach (var (citizen, rating) in new[] { ("whatsapp:+5591981110001", "5"), ("whatsapp:+5591981110002", "2 <b>demorou</b> e não resolveu") })
        {
            await bot.SayAsync("Minha audiência foi remarcada?", from: citizen, to: BotHarness.MacapaNumber);
            var conversation = await bot.ConversationAsync(citizen, BotHarness.MacapaNumber);
            Assert.That((int)(await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Sim." })).StatusCode, Is.EqualTo(202));
            Assert.That((await clerk.PostAsync($"/api/conversations/{conversation.Id}/close", null)).IsSuccessStatusCode);
            await bot.SayAsync(rating, from: citizen, to: BotHarness.MacapaNumber);
        }

        await using var browser = await SystemChromium.SessionAsync();
        foreach (var width in new[] { 1280, 360 })
        {
            var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 800 }, Locale = "pt-BR" })).NewPageAsync();
            await InboxPageTests.SignInAsync(page, bot.BaseUrl, "chefe.rel@trt8.jus.br");
            await page.GotoAsync($"{bot.BaseUrl}/reports/sla/{Macapa}/2026-11");
            var section = page.Locator("#satisfaction");
            await Assertions.Expect(section.Locator(".kpi")).ToContainTextAsync("Nota média (1 a 5)3,5");
            await Assertions.Expect(section.Locator("#ratings")).ToHaveTextAsync("Notas: 1: 0 · 2: 1 · 3: 0 · 4: 0 · 5: 1");
            await Assertions.Expect(section.Locator("ul.comments li")).ToHaveTextAsync("Nota 2: <b>demorou</b> e não resolveu ver conversa");
            await section.ScrollIntoViewIfNeededAsync();
            await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath($"report-satisfaction-{width}.png") });
        }
    }
}
