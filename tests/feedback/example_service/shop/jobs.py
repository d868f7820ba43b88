"""Background jobs run in batches."""

import asyncio


async def score_item(item):
    await asyncio.sleep(0)
    return item["revenue"] / item["visits"]


async def run_batch(items):
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(score_item(item)) for item in items]
    return [task.result() for task in tasks]
