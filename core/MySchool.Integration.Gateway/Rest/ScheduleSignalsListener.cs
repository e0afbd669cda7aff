using MySchool.Integration.Core.Federal;

namespace MySchool.Integration.Gateway.Rest;

/// <summary>Keeps this gateway listening to PostgreSQL's schedule_changed signals while it runs (<see cref="ScheduleAnswers"/>).</summary>
public sealed class ScheduleSignalsListener(ScheduleSignals signals) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => signals.ListenAsync(stoppingToken);
}
