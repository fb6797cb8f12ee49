namespace Tribu.Web.Platform.Email;

public static class EmailFeature
{
    public static IServiceCollection AddTribuEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EmailOptions>(configuration.GetSection(EmailOptions.Section));
        var delivery = configuration.GetSection(EmailOptions.Section).Get<EmailOptions>()?.Delivery ?? EmailDelivery.Pickup;
        if (delivery == EmailDelivery.Smtp)
        {
            services.AddSingleton<IEmailTransport, SmtpEmailTransport>();
        }
        else
        {
            services.AddSingleton<PickupDirectoryTransport>();
            services.AddSingleton<IEmailTransport>(sp => sp.GetRequiredService<PickupDirectoryTransport>());
        }
        services.AddScoped<EmailOutbox>();
        services.AddScoped<EmailOutboxAdmin>();
        return services;
    }
}
