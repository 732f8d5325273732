using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Appointments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>
/// The unit's agenda in Chromium, as a clerk works it at 1280 and 360 px: the week's calls with who and what about
/// (a citizen's markup shown as text) and the reminders each gets, a call moved to a free time with a word for the
/// citizen, another cancelled, a presence recorded and set right. The service's clock is Monday 23/11/2026, 9h in Belém.
/// </summary>
public sealed class AgendaPageTests
{
    private const string Macapa = "trt8-vt-macapa-7";

    [Test]
    public async Task Clerk_SeesTheWeek_MovesOneCall_AndCancelsAnother_AtBothWidths()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Appointments:ReminderCron"] = CaseAlertTests.NeverInATest }, kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("lia.agenda@trt8.jus.br", clerkOf: [Macapa], name: "Lia Souza")).Dispose();
        foreach (var (citizen, slot, subject) in new[]
        {
            ("whatsapp:+5596981140001", "4", $"Acordo do processo {ChatbotTranscriptTests.Macapa.Canonical}"),
            ("whatsapp:+5596981140002", "1", "<b>alvará</b> liberado?"),
        })
        {
            await bot.SayAsync("agendar", citizen, BotHarness.MacapaNumber);
            await bot.SayAsync(slot, citizen, BotHarness.MacapaNumber);
            await bot.SayAsync(subject, citizen, BotHarness.MacapaNumber);
        }

        await using var browser = await SystemChromium.SessionAsync();
        var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "pt-BR" })).NewPageAsync();
        await InboxPageTests.SignInAsync(page, bot.BaseUrl, "lia.agenda@trt8.jus.br");
        await page.ClickAsync("nav a[href='/agenda']");
        await page.ArrivedAsync("/agenda");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Agenda de atendimentos por vídeo");
        await Assertions.Expect(page.Locator(".agenda-item")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#a-status")).ToHaveTextAsync("2 atendimento(s) marcado(s) no período.");
        var first = page.Locator(".agenda-item").First;
        await Assertions.Expect(first).ToContainTextAsync("11:00–11:20");
        await Assertions.Expect(first.Locator(".agenda-subject")).ToHaveTextAsync("<b>alvará</b> liberado?");
        Assert.That(await first.Locator(".agenda-subject b").CountAsync(), Is.Zero, "a citizen's markup is text");
        var second = page.Locator(".agenda-item").Nth(1);
        await Assertions.Expect(second).ToContainTextAsync($"Processo(s): {ChatbotTranscriptTests.Macapa.Canonical}");
        await Assertions.Expect(second.Locator("a")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/inbox/conversations/"));
        // Booked two hours ahead, today's call gets only the 30-minute reminder; tomorrow's, booked a day ahead, both.
        await Assertions.Expect(first.Locator(".agenda-facts")).ToContainTextAsync("Lembrete 30 min antes: ainda não (sem o da véspera: marcado ou remarcado a menos de um dia)");
        await Assertions.Expect(second.Locator(".agenda-facts")).ToContainTextAsync("Lembretes: véspera ainda não, 30 min ainda não");
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("agenda-1280.png"), FullPage = true });

        // Tuesday 9h's call to the second free time of the list, with a word for the citizen.
        await second.Locator("textarea").FillAsync("A juíza pediu outro horário.");
        await second.Locator("select").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        var chosen = await second.Locator("select").InputValueAsync();
        await second.Locator("button", new() { HasText = "Remarcar" }).ClickAsync();
        await Assertions.Expect(page.Locator("#a-status")).ToHaveTextAsync("Remarcado; o cidadão foi avisado.");
        var book = bot.Factory.Services.GetRequiredService<AppointmentBook>();
        var all = await book.AgendaAsync(Macapa, new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(-3)), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(-3)));
        Assert.That(all.Single(a => a.Subject.StartsWith("Acordo", StringComparison.Ordinal)).Start,
            Is.EqualTo(DateTimeOffset.Parse(chosen, System.Globalization.CultureInfo.InvariantCulture)));

        await page.SetViewportSizeAsync(360, 740);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        var alvara = page.Locator(".agenda-item", new() { HasText = "alvará" });
        await alvara.Locator("button", new() { HasText = "Desmarcar" }).ClickAsync();
        await Assertions.Expect(page.Locator("#a-status")).ToHaveTextAsync("Desmarcado; o cidadão foi avisado.");
        await Assertions.Expect(page.Locator(".agenda-item.cancelled")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".agenda-item.cancelled .agenda-status")).ToHaveTextAsync("Desmarcado");
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.That(width, Is.LessThanOrEqualTo(360), "nothing wider than the phone");
        // On the phone every way out of the page is on the screen, Sair included, not scrolled off to the right.
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        var ways = page.Locator("header a, header button");
        Assert.That(await ways.CountAsync(), Is.GreaterThanOrEqualTo(4));
        foreach (var way in await ways.AllAsync())
        {
            var box = (await way.BoundingBoxAsync())!;
            Assert.That((box.X >= 0, box.X + box.Width <= 360, box.Y + box.Height <= 740), Is.EqualTo((true, true, true)), await way.InnerTextAsync());
        }

        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("agenda-360.png"), FullPage = true });

        // Once a call has begun, who came is recorded; a wrong button is set right with the other answer.
        var start = new DateTimeOffset(2026, 11, 23, 11, 20, 0, TimeSpan.FromHours(-3));
        var rui = (await book.BookAsync(new BookingRequest(Macapa, start, "presenca", null, "certidão", "page", "citizen") { Name = "Rui Presença" }, bot.Factory.Time.GetUtcNow())).Appointment!;
        bot.Factory.Time.SetUtcNow(start.AddMinutes(5));
        await page.ReloadAsync();
        var call = page.Locator(".agenda-item", new() { HasText = "Rui Presença" });
        await call.Locator("button", new() { HasText = "Não compareceu" }).ClickAsync();
        await Assertions.Expect(call.Locator(".agenda-status")).ToHaveTextAsync("Faltou");
        await call.Locator("button", new() { HasText = "Corrigir: compareceu" }).ClickAsync();
        await Assertions.Expect(call.Locator(".agenda-status")).ToHaveTextAsync("Compareceu");
        await Assertions.Expect(call.Locator("button")).ToHaveTextAsync("Corrigir: não compareceu");
        Assert.That((await book.GetAsync(Macapa, rui.Id))!.Status, Is.EqualTo(AppointmentStatus.Attended));
    }
}
