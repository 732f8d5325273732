using System.Net.Http.Json;
using BalcaoVirtual.IntegrationTests.Sla;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Chatbot;

/// <summary>
/// The set-up of tests where citizens reach the 7ª Vara de Macapá and one of its clerks answers and closes through the
/// API: the bot harness (fake Twilio, fake DataJud, the fake clock on Monday 23/11/2026 at 9h in Belém) and the clerk.
/// </summary>
public abstract class MacapaClerkFixture
{
    protected const string Macapa = "7ª Vara do Trabalho de Macapá";

    private protected BotHarness Bot { get; private set; } = null!;

    /// <summary>The clerk's API client (sign in again with <see cref="SignInAgainAsync"/> after moving the clock by days).</summary>
    protected HttpClient Clerk { get; private set; } = null!;

    protected abstract string ClerkEmail { get; }

    [SetUp]
    public async Task StartAsync()
    {
        Bot = await BotHarness.StartAsync();
        Clerk = await Bot.Factory.ClientForNewUserAsync(ClerkEmail, clerkOf: [SlaSupport.Macapa]);
    }

    [TearDown]
    public async Task StopAsync()
    {
        Clerk.Dispose();
        await Bot.DisposeAsync();
    }

    /// <summary>The clerk's session after the clock moved past its expiry.</summary>
    protected async Task SignInAgainAsync()
    {
        Clerk.Dispose();
        Clerk = await Bot.Factory.ClientAsAsync(ClerkEmail, "senha-forte-do-servidor");
    }

    /// <summary>The clerk answers; returns once the answer ended the conversation's wait.</summary>
    protected async Task AnswerAsync(Conversation c, string text = "Respondido.")
    {
        var sent = await Clerk.PostAsJsonAsync($"/api/conversations/{c.Id}/messages", new { text });
        Assert.That((int)sent.StatusCode, Is.EqualTo(202), await sent.Content.ReadAsStringAsync());
        var store = Bot.Factory.Services.GetRequiredService<SlaStore>();
        await TestServers.WaitUntilAsync(async () => (await store.GetCurrentAsync(c.Id)).Period?.Period.IsOpen == false, TimeSpan.FromSeconds(20), "the answer to end the wait");
    }
}
