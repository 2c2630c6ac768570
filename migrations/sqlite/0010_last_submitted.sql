-- When the platform last submitted the application (its first submission or a re-submission; a
-- re-screen does not count): the retention period (VETGATE_RETENTION_DAYS) runs from it.
alter table applications add column last_submitted_at bigint not null default 0;
update applications set last_submitted_at = coalesce(
    (select max(v.screened_at) from verdicts v
     where v.application_id = applications.id and v.cause in ('submitted', 'resubmitted')),
    received_at);
create index applications_by_last_submitted on applications (last_submitted_at);
