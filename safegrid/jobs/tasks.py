from celery import shared_task


@shared_task(name="safegrid.jobs.tasks.run_job")
def run_job(job_id: int) -> str | None:
    from .services import job_run

    job = job_run(job_id=job_id)
    return job.status if job is not None else None


@shared_task(name="safegrid.jobs.tasks.purge_jobs")
def purge_jobs() -> int:
    from .services import job_purge

    return job_purge()
