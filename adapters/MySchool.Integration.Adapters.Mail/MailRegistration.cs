using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Notifications;

namespace MySchool.Integration.Adapters.Mail;

public static class MailRegistration
{
    /// <summary>The SMTP relay, when configuration names its host; otherwise mails wait in the outbox.</summary>
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Mail").Get<MailOptions>();
        if (options?.Host is null)
        {
            return services;
        }

        services.AddSingleton<IMailTransport>(new SmtpMailTransport(options));
        return services;
    }
}
