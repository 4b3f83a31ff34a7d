"""`/report`: the reporting conversation, driven by the plan's questionnaire. Every answer is
saved in the draft as it is given, so a restart, a /cancel or a week away resumes at the same
question with nothing lost. Only the sections and questions that concern the agency are asked,
and last year's answers can be the starting point."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handlers.answer_input import CHOICE_PREFIX, parse_answer
from handlers.context import OPTIONS_KEY, Context, Role
from handlers.events import IncomingEvent, Option, Reply
from handlers.flows import StepFlow, chosen_id
from handlers.notify import notify_secretariat
from handlers.registry import Registry
from handlers.report_files import attachment_name, not_kept, record
from handlers.report_render import (
    chunk,
    incomplete_names,
    instance_short,
    report_blocks,
    role_label,
    shorten,
    value_text,
)
from handlers.secretariat import draft_report
from handlers.signed_document import (
    finish_pages,
    has_document,
    may_submit,
    offered,
    prompt,
    receipt_line,
    review_line,
    signed_of,
    take_facts,
    take_file,
)
from handlers.validation import Invalid, check_free_text
from storage.answer_text import date_text
from storage.files.documents import answer_entry
from storage.files.store import StoreError
from storage.forms import current_form
from storage.models import (
    Agency,
    ConversationState,
    DocumentPurpose,
    MemberRole,
    PeriodKind,
    PeriodStatus,
    ReportDraft,
    ReportingPeriod,
    SubmissionState,
)
from storage.plans import plan_codes
from storage.questionnaire import TEXT_TYPES, Question, QuestionType, SectionKind
from storage.report_form import Answers, Instance, carried_over, incomplete, is_blank
from storage.reports import (
    Conflict,
    Layout,
    agency_duties,
    answered_layout,
    find_submission,
    get_draft,
    layout_for,
    open_periods_for,
    other_drafts,
    previous_report,
    save_answer,
    start_draft,
    submit_draft,
    version_answers,
    version_history,
    version_roles,
    version_row,
)

FLOW = "report"
CURSOR = "_cursor"
PENDING = "_pending"  # a text over its limit, kept so the person need not type it again
DONE = "att:done"
CUT = "cut:yes"
CLEAR_COMMANDS = frozenset({"xoa", "xóa", "clear"})
# Reading budgets, so a phone screen shows a question at a glance (bench/report_burden.py).
REVIEW_VALUE_BUDGET = 45  # characters of each answer on the review screen
DUTIES_BUDGET = 160
TASK_TITLE_BUDGET = 75  # 80 before the signed report's instruction and receipt line
OFFERED_TITLE_BUDGET = 45


def answers_of(draft: ReportDraft) -> Answers:
    return {k: v for k, v in draft.answers.items() if not k.startswith("_")}


@dataclass
class Report:
    """Everything one step needs, loaded once per input."""

    draft: ReportDraft
    period: ReportingPeriod
    agency: Agency
    layout: Layout

    @classmethod
    def load(cls, ctx: Context, draft: ReportDraft) -> Report | None:
        period = ctx.session.get(ReportingPeriod, draft.period_id)
        agency = ctx.session.get(Agency, draft.agency_id)
        if period is None or agency is None:
            return None
        # A draft follows the period's current questionnaire; answers carry by section and
        # question id, so a plan edited while a period is open loses nothing.
        layout = layout_for(ctx.session, period=period, agency=agency, answers=answers_of(draft))
        draft.questionnaire_id = layout.form_id
        return cls(draft, period, agency, layout)

    def relayout(self) -> None:
        """Answers can change the layout (the tasks an agency says it contributed to)."""
        self.layout = self.layout.for_answers(self.answers)

    @property
    def answers(self) -> Answers:
        return answers_of(self.draft)

    @property
    def instances(self) -> list[Instance]:
        return self.layout.instances

    def instance(self, key: str) -> Instance | None:
        return self.layout.instance(key)

    def answer(self, key: str) -> dict[str, Any]:
        return dict(self.answers.get(key, {}))

    def steps(self) -> list[tuple[Instance, Question]]:
        """Every question shown, in order, given the answers so far."""
        return [(i, q) for i in self.instances for q in i.visible(self.answer(i.key))]


# --- starting ----------------------------------------------------------------------------------


def focal_agencies(ctx: Context) -> list[Agency]:
    agencies = []
    for membership in ctx.actor.memberships:
        if membership.role == MemberRole.focal and membership.agency_id is not None:
            agency = ctx.session.get(Agency, membership.agency_id)
            if agency is not None:
                agencies.append(agency)
    return agencies


def report(ctx: Context, args: str) -> list[Reply]:
    roles = ctx.actor.roles
    if Role.secretariat in roles and (Role.focal not in roles or args.strip()):
        return draft_report(ctx, args)  # the secretariat's /report: the draft consolidated report
    agencies = focal_agencies(ctx)
    if len(agencies) > 1:
        options = tuple(Option(a.name, f"agency:{a.id}") for a in agencies)
        return [ctx.ask(FLOW, "pick_agency", {}, ctx.t("report.pick_agency"), options)]
    return choose_period(ctx, agencies[0])


def choose_period(ctx: Context, agency: Agency) -> list[Reply]:
    periods = open_periods_for(ctx.session, agency_id=agency.id)
    if not periods:
        ctx.end_flow()
        return [Reply(ctx.t("report.no_period", agency=agency.name))]
    if len(periods) > 1:
        # Periods of several plans: the question is which plan, and each option names it.
        codes = plan_codes(ctx.session, {p.plan_id for p in periods})
        several = len(codes) > 1
        options = tuple(
            Option(
                ctx.t(
                    "report.plan_period_option" if several else "report.period_option",
                    code=codes[p.plan_id],
                    title=p.title,
                    due=date_text(p.due_on),
                ),
                f"period:{p.id}",
            )
            for p in periods
        )
        data = {"agency_id": agency.id}
        text = (
            ctx.t("report.pick_plan", agency=agency.name)
            if several
            else ctx.t("report.pick_period")
        )
        return [ctx.ask(FLOW, "pick_period", data, text, options)]
    return open_report(ctx, agency, periods[0])


def open_report(ctx: Context, agency: Agency, period: ReportingPeriod) -> list[Reply]:
    person_id = ctx.actor.person_id
    assert person_id is not None and agency.id is not None and period.id is not None
    draft = get_draft(ctx.session, period_id=period.id, agency_id=agency.id, person_id=person_id)
    if draft is not None:
        rep = Report.load(ctx, draft)
        assert rep is not None
        note = Reply(ctx.t("report.resume", time=ctx.local_time(draft.updated_at)))
        cursor = draft.answers.get(CURSOR)
        if cursor and rep.instance(cursor["inst"]) is not None:
            return [note, *ask(ctx, rep, cursor["inst"], cursor["q"], cursor["mode"], True)]
        return [note, *review(ctx, rep)]
    submission = find_submission(ctx.session, period_id=period.id, agency_id=agency.id)
    if submission is not None and submission.current_version > 0:
        return existing_report(ctx, agency, period, submission)
    data = {"agency_id": agency.id, "period_id": period.id}
    # Last year's report is a starting point for this year's, not for an ad-hoc request, and
    # only when some of its answers fit this year's questionnaire.
    previous = (
        previous_report(ctx.session, period=period, agency_id=agency.id)
        if period.kind == PeriodKind.periodic
        else None
    )
    if previous is not None:
        _row, form = current_form(ctx.session, plan_id=period.plan_id, key=period.questionnaire_key)
        if not carried_over(form, previous[1]):
            previous = None
    if previous is not None:
        options = (
            Option(ctx.t("report.opt.reuse", title=previous[0].title), "st:reuse"),
            Option(ctx.t("report.opt.fresh"), "st:fresh"),
        )
        text = ctx.t("report.start_from", title=previous[0].title)
        return [ctx.ask(FLOW, "start_from", data, text, options)]
    return begin(ctx, agency, period, from_previous=False)


def existing_report(
    ctx: Context, agency: Agency, period: ReportingPeriod, submission: Any
) -> list[Reply]:
    latest = version_history(ctx.session, submission=submission)[-1]
    lines = [
        ctx.t(
            "report.submitted_exists",
            agency=agency.name,
            version=latest.version,
            time=ctx.local_time(latest.submitted_at),
            timeliness=ctx.t("report.late" if latest.is_late else "report.on_time"),
        )
    ]
    if submission.state == SubmissionState.returned and submission.returned_at:
        lines.append(
            ctx.t(
                "report.returned",
                time=ctx.local_time(submission.returned_at),
                comment=submission.return_comment,
            )
        )
    options = (
        Option(ctx.t("report.opt.edit"), "ex:edit"),
        Option(ctx.t("report.opt.view"), "ex:view"),
    )
    data = {"agency_id": agency.id, "period_id": period.id}
    return [ctx.ask(FLOW, "existing", data, "\n".join(lines), options)]


def begin(
    ctx: Context, agency: Agency, period: ReportingPeriod, *, from_previous: bool
) -> list[Reply]:
    person_id = ctx.actor.person_id
    assert person_id is not None and agency.id is not None and period.id is not None
    draft = start_draft(
        ctx.session,
        period_id=period.id,
        agency_id=agency.id,
        person_id=person_id,
        clock=ctx.clock,
        from_previous=from_previous,
    )
    rep = Report.load(ctx, draft)
    assert rep is not None
    replies = []
    others = other_drafts(
        ctx.session, period_id=period.id, agency_id=agency.id, person_id=person_id
    )
    if others:
        names = ", ".join(person.full_name for _, person in others)
        replies.append(Reply(ctx.t("report.others_drafting", names=names)))
    if from_previous:
        return [*replies, *review(ctx, rep)]
    replies.append(
        Reply(
            ctx.t(
                "report.start",
                title=period.title,
                agency=agency.name,
                due=date_text(period.due_on),
            )
        )
    )
    first_instance, first_question = rep.steps()[0]
    return [*replies, *ask(ctx, rep, first_instance.key, first_question.id, "walk", True)]


# --- asking ------------------------------------------------------------------------------------


def instance_header(ctx: Context, rep: Report, instance: Instance) -> str:
    index = rep.instances.index(instance) + 1
    count = len(rep.instances)
    if instance.task is not None:
        return ctx.t(
            "report.part.task",
            number=instance.task.number,
            index=index,
            count=count,
            role=role_label(ctx, instance.role),
            title=shorten(instance.task.title, TASK_TITLE_BUDGET),
        )
    title = instance.section.text(ctx.config.language)
    if instance.section.kind == SectionKind.duties:
        duties = agency_duties(ctx.session, period=rep.period, agency=rep.agency)
        text = shorten(" ".join(d.text.strip() for d in duties), DUTIES_BUDGET)
        return ctx.t("report.part.duties", title=title, index=index, count=count, duties=text)
    if instance.section.kind == SectionKind.optional_tasks:
        return ""
    return ctx.t("report.part.section", title=title, index=index, count=count)


def choice_values(rep: Report, instance: Instance, question: Question) -> list[Any]:
    if instance.section.kind == SectionKind.optional_tasks:
        return [task.number for task in instance.offered]
    return [c.value for c in rep.layout.form.choices.get(question.choices or "", [])]


def question_text(ctx: Context, rep: Report, instance: Instance, question: Question) -> str:
    language = ctx.config.language
    lines = [question.text("label", language)]
    hint = question.text("hint", language)
    if hint:
        lines.append(hint)
    kind = question.type
    if instance.section.kind == SectionKind.optional_tasks:
        lines += [f"{t.number}. {shorten(t.title, OFFERED_TITLE_BUDGET)}" for t in instance.offered]
        lines.append(ctx.t("report.how.tasks"))
    elif kind == QuestionType.multiple:
        form = rep.layout.form
        for number, choice in enumerate(form.choices.get(question.choices or "", []), 1):
            lines.append(f"{number}. {choice.label.get(language) or choice.label['vi']}")
        lines.append(ctx.t("report.how.multiple"))
    elif kind == QuestionType.files:
        lines.append(ctx.t("report.how.files", limit=ctx.config.max_upload_mb))
    elif kind not in {QuestionType.single, QuestionType.yes_no, *TEXT_TYPES}:
        lines.append(ctx.t(f"report.how.{kind.value}"))
    if not question.required and kind not in {QuestionType.files, QuestionType.multiple}:
        lines.append(ctx.t("report.how.optional"))
    if first_compound(rep) == (instance.key, question.id):
        lines.append(ctx.t("report.how.compound"))  # once, on the first question it helps
    return "\n".join(lines)


def takes_text_next(instance: Instance, question: Question) -> bool:
    """A choice whose section asks a text question after it: "2 Đã tổ chức…" may answer
    both in one message (`on_input`, `take_compound`)."""
    questions = list(instance.section.questions)
    after = questions[questions.index(question) + 1 :] if question in questions else []
    return question.type == QuestionType.single and any(q.type in TEXT_TYPES for q in after)


def first_compound(rep: Report) -> tuple[str, str] | None:
    """The first step of the walk where a choice and the next answer fit in one message."""
    return next(
        ((i.key, q.id) for i, q in rep.steps() if takes_text_next(i, q)),
        None,
    )


COMPOUND = re.compile(r"^\s*(\d{1,2})\s*[.):\-–]?\s+(\S[\s\S]*)$")


def split_compound(options: list[list[Any]], text: str | None) -> tuple[str, str] | None:
    """'2 Đã tổ chức 2 lớp' -> (the value of option 2, 'Đã tổ chức 2 lớp'); None otherwise."""
    found = COMPOUND.match(text or "")
    if found is None or not 1 <= int(found[1]) <= len(options):
        return None
    return str(options[int(found[1]) - 1][1]), found[2].strip()


def next_in_instance(rep: Report, key: str, question_id: str) -> Question | None:
    steps = rep.steps()
    position = next(
        (n for n, (i, q) in enumerate(steps) if i.key == key and q.id == question_id), None
    )
    if position is None or position + 1 >= len(steps):
        return None
    instance, question = steps[position + 1]
    return question if instance.key == key else None


def take_compound(
    ctx: Context,
    rep: Report,
    instance: Instance,
    question: Question,
    mode: str,
    compound: tuple[str, str],
) -> list[Reply]:
    """A choice and the answer to the text question after it, in one message. The text goes
    to the question the choice leads to (the results, or why the task does not apply); when
    that question takes no text, the choice is not kept either and the person is told."""
    choice, rest = compound
    event = ctx.event
    previous = rep.answer(instance.key).get(question.id)
    picked = IncomingEvent(event.channel, event.user_id, event.chat_id, choice=choice)
    problem = take_answer(ctx, rep, instance, question, picked)
    if problem is not None:
        return problem
    rep.relayout()
    following = next_in_instance(rep, instance.key, question.id)
    if following is None or following.type not in TEXT_TYPES:
        save_answer(
            rep.draft, instance=instance.key, question=question.id, value=previous, clock=ctx.clock
        )
        rep.relayout()
        return [
            Reply(ctx.t("report.compound_not_here")),
            *ask(ctx, rep, instance.key, question.id, mode, False),
        ]
    typed = IncomingEvent(event.channel, event.user_id, event.chat_id, text=rest)
    problem = take_answer(ctx, rep, instance, following, typed)
    if problem is not None:
        return problem
    return advance(ctx, rep, instance.key, following.id, mode)


def options_for(ctx: Context, rep: Report, question: Question) -> tuple[Option, ...]:
    language = ctx.config.language
    if question.type == QuestionType.single:
        return tuple(
            Option(c.label.get(language) or c.label["vi"], f"{CHOICE_PREFIX}{c.value}")
            for c in rep.layout.form.choices.get(question.choices or "", [])
        )
    if question.type == QuestionType.yes_no:
        return (
            Option(ctx.t("report.yes"), f"{CHOICE_PREFIX}yes"),
            Option(ctx.t("report.no"), f"{CHOICE_PREFIX}no"),
        )
    if question.type == QuestionType.files:
        return (Option(ctx.t("report.opt.done"), DONE),)
    return ()


def ask(
    ctx: Context,
    rep: Report,
    key: str,
    question_id: str,
    mode: str,
    header: bool,
    extra: tuple[Option, ...] = (),
) -> list[Reply]:
    """Ask one question, remembering where we are in both the chat and the draft."""
    instance = rep.instance(key)
    assert instance is not None
    answer = rep.answer(key)
    visible = instance.visible(answer)
    question = next((q for q in visible if q.id == question_id), visible[0])
    rep.draft.answers = {
        **rep.draft.answers,
        CURSOR: {"inst": key, "q": question.id, "mode": mode},
    }
    rep.draft.updated_at = ctx.clock.now()
    lines = []
    if header or question is visible[0]:
        heading = instance_header(ctx, rep, instance)
        if heading:
            lines.append(heading)
    lines.append(question_text(ctx, rep, instance, question))
    current = answer.get(question.id)
    if not is_blank(current) and question.type != QuestionType.files:
        shown = value_text(ctx, rep.layout.form, question, current)
        lines.append(ctx.t("report.current", value=shorten(shown, 300)))
    elif question.type == QuestionType.files and current:
        shown = value_text(ctx, rep.layout.form, question, current)
        lines.append(ctx.t("report.files_so_far", value=shown))
    if not question.required and not is_blank(current) and question.type != QuestionType.files:
        lines.append(ctx.t("report.how.clear"))
    data = {"draft_id": rep.draft.id, "inst": key, "q": question.id, "mode": mode}
    if question.type == QuestionType.files:
        data["takes_files"] = True  # the adapter fetches and keeps what is sent here
    options = (*options_for(ctx, rep, question), *extra)
    return [ctx.ask(FLOW, "answer", data, "\n".join(lines), options)]


def advance(ctx: Context, rep: Report, key: str, question_id: str, mode: str) -> list[Reply]:
    rep.relayout()
    steps = rep.steps()
    position = next(
        (n for n, (i, q) in enumerate(steps) if i.key == key and q.id == question_id), None
    )
    following = steps[position + 1 :] if position is not None else []
    if mode == "edit":
        # Stay in the instance being changed, then go to anything left unanswered.
        same = [(i, q) for i, q in following if i.key == key]
        if same:
            return ask(ctx, rep, key, same[0][1].id, mode, False)
        gaps = incomplete(rep.instances, rep.answers)
        if gaps and gaps[0].key != key:
            first = gaps[0].visible(rep.answer(gaps[0].key))[0]
            return ask(ctx, rep, gaps[0].key, first.id, mode, True)
        return review(ctx, rep)
    if following:
        instance, question = following[0]
        return ask(ctx, rep, instance.key, question.id, mode, instance.key != key)
    return review(ctx, rep)


def go_back(ctx: Context, rep: Report, key: str, question_id: str, mode: str) -> list[Reply]:
    steps = rep.steps()
    position = next(
        (n for n, (i, q) in enumerate(steps) if i.key == key and q.id == question_id), 0
    )
    if position == 0:
        return [
            Reply(ctx.t("report.first_question")),
            *ask(ctx, rep, key, question_id, mode, False),
        ]
    instance, question = steps[position - 1]
    if mode == "edit" and instance.key != key:
        return review(ctx, rep)
    return ask(ctx, rep, instance.key, question.id, mode, instance.key != key)


# --- answering ---------------------------------------------------------------------------------


def take_answer(
    ctx: Context, rep: Report, instance: Instance, question: Question, event: IncomingEvent
) -> list[Reply] | None:
    """Store a valid answer and return None, or return the replies that ask again."""
    mode = str(ctx.state.data.get("mode", "walk")) if ctx.state else "walk"

    def again(key: str, **values: object) -> list[Reply]:
        return [Reply(ctx.t(key, **values)), *ask(ctx, rep, instance.key, question.id, mode, False)]

    if question.type == QuestionType.files:
        if event.choice == DONE:
            if question.required and not rep.answer(instance.key).get(question.id):
                return again("report.required")
            return None
        return add_attachment(ctx, rep, instance, question, event, mode)
    if event.attachment is not None:
        return again("invalid.text_expected")
    value = parse_answer(
        question,
        text=event.text,
        choice=event.choice,
        values=choice_values(rep, instance, question),
        numbered_by_value=instance.section.kind == SectionKind.optional_tasks,
    )
    if isinstance(value, Invalid):
        if value.key == "invalid.too_long" and question.type in TEXT_TYPES:
            return keep_too_long(ctx, rep, instance, question, event.text or "", mode)
        return again(value.key, **value.values)
    save_answer(
        rep.draft, instance=instance.key, question=question.id, value=value, clock=ctx.clock
    )
    rep.draft.answers = {k: v for k, v in rep.draft.answers.items() if k != PENDING}
    return None


def keep_too_long(
    ctx: Context, rep: Report, instance: Instance, question: Question, text: str, mode: str
) -> list[Reply]:
    """A text over its limit is kept in the draft: the person can have it cut at the limit
    (at a word) with one tap, or send a shorter one; nothing typed is thrown away."""
    rep.draft.answers = {
        **rep.draft.answers,
        PENDING: {"inst": instance.key, "q": question.id, "text": text},
    }
    cut = Option(ctx.t("report.opt.cut", limit=question.limit), CUT)
    notice = Reply(ctx.t("report.too_long_kept", length=len(text), limit=question.limit))
    return [notice, *ask(ctx, rep, instance.key, question.id, mode, False, (cut,))]


def cut_to(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit * 0.8 else head).rstrip()


def take_cut(
    ctx: Context, rep: Report, instance: Instance, question: Question
) -> list[Reply] | None:
    pending = rep.draft.answers.get(PENDING) or {}
    if pending.get("inst") != instance.key or pending.get("q") != question.id:
        return [Reply(ctx.t("pick.one"))]
    value = check_free_text(
        cut_to(str(pending["text"]), question.limit),
        max_length=question.limit,
        required=question.required,
    )
    if isinstance(value, Invalid):  # the rest of the text has a problem of its own
        return [Reply(ctx.t(value.key, **value.values))]
    save_answer(
        rep.draft, instance=instance.key, question=question.id, value=value, clock=ctx.clock
    )
    rep.draft.answers = {k: v for k, v in rep.draft.answers.items() if k != PENDING}
    return None


def add_attachment(
    ctx: Context,
    rep: Report,
    instance: Instance,
    question: Question,
    event: IncomingEvent,
    mode: str,
) -> list[Reply]:
    """A file for a `files` question: listed in the answer once its bytes are in the file
    store, never before; the same content twice is listed once."""
    attachment = event.attachment
    files = list(rep.answer(instance.key).get(question.id) or [])
    problem = ctx.t("report.attachment_expected") if attachment is None else None
    if attachment is not None:
        problem = not_kept(ctx, attachment)
    if problem is None and len(files) >= question.max_files:
        problem = ctx.t("report.attachment_too_many", limit=question.max_files)
    if problem is not None or attachment is None:
        return [Reply(problem or ""), *ask(ctx, rep, instance.key, question.id, mode, False)]
    received = attachment.received
    assert received is not None and received.kept is not None
    name = attachment_name(ctx, attachment)
    if any(f.get("sha256") == received.kept.sha256 for f in files if isinstance(f, dict)):
        message = ctx.t("file.duplicate", name=name)
    else:
        document = record(
            ctx,
            attachment,
            received.kept,
            purpose=DocumentPurpose.attachment,
            agency_id=rep.agency.id,
            period_id=rep.period.id,
        )
        files.append(answer_entry(document, received.kept))
        save_answer(
            rep.draft, instance=instance.key, question=question.id, value=files, clock=ctx.clock
        )
        message = ctx.t("report.attachment_saved", name=document.file_name, count=len(files))
    return [Reply(message), *ask(ctx, rep, instance.key, question.id, mode, False)]


# --- review and submit -------------------------------------------------------------------------


def review(ctx: Context, rep: Report) -> list[Reply]:
    rep.draft.answers = {**rep.draft.answers, CURSOR: None}
    answers = rep.answers
    blocks = [
        ctx.t("report.review", agency=rep.agency.name, title=rep.period.title),
        *report_blocks(ctx, rep.layout.form, rep.instances, answers, budget=REVIEW_VALUE_BUDGET),
    ]
    signed = review_line(ctx, rep.layout.form, rep.draft)
    if signed is not None:
        blocks.append(signed)
    messages = chunk([*blocks, review_question(ctx, rep)])
    return [*(Reply(text) for text in messages[:-1]), review_prompt(ctx, rep, messages[-1])]


def review_question(ctx: Context, rep: Report) -> str:
    missing = incomplete_names(ctx, rep.instances, rep.answers)
    if missing:
        return ctx.t("report.review.incomplete", count=len(missing), parts=", ".join(missing))
    return prompt(ctx, rep.layout.form, rep.draft)


def review_prompt(ctx: Context, rep: Report, text: str | None = None) -> Reply:
    """The review step's question and options (after a file or a fact, without the whole
    review again)."""
    form = rep.layout.form
    ready = not incomplete(rep.instances, rep.answers) and may_submit(form, rep.draft)
    options = [Option(ctx.t("report.opt.submit"), "rv:submit")] if ready else []
    for instance in rep.instances:
        label = ctx.t("report.opt.change", name=instance_short(ctx, instance))
        options.append(Option(label, f"rv:edit:{instance.key}"))
    options.append(Option(ctx.t("report.opt.later"), "rv:later"))
    data = {"draft_id": rep.draft.id, "takes_files": offered(form)}
    question = text if text is not None else review_question(ctx, rep)
    return ctx.ask(FLOW, "review", data, question, tuple(options))


def submit(ctx: Context, rep: Report) -> list[Reply]:
    if rep.period.status != PeriodStatus.open:
        ctx.end_flow()
        return [Reply(ctx.t("report.closed", secretariat=ctx.secretariat_name()))]
    person_id = ctx.actor.person_id
    assert person_id is not None
    if not may_submit(rep.layout.form, rep.draft):
        return [review_prompt(ctx, rep)]
    try:
        finish_pages(ctx, rep.draft, rep.agency, rep.period)
    except StoreError:
        return [Reply(ctx.t("file.store", name=ctx.t("signed.combined"))), review_prompt(ctx, rep)]
    signed = signed_of(rep.draft) if offered(rep.layout.form) else None
    result = submit_draft(
        ctx.session,
        draft=rep.draft,
        layout=rep.layout,
        period=rep.period,
        agency=rep.agency,
        person_id=person_id,
        zone=ctx.config.zone,
        clock=ctx.clock,
    )
    if isinstance(result, Conflict):
        options = (
            Option(ctx.t("report.opt.see_theirs"), "cf:see"),
            Option(ctx.t("report.opt.submit_mine"), "cf:mine"),
            Option(ctx.t("report.opt.discard_mine"), "cf:discard"),
        )
        text = ctx.t(
            "report.conflict",
            name=result.by.full_name if result.by else "?",
            version=result.current_version,
            time=ctx.local_time(result.at) if result.at else "?",
        )
        ctx.audit("report:submit", "conflict", draft_id=rep.draft.id)
        return [ctx.ask(FLOW, "conflict", {"draft_id": rep.draft.id}, text, options)]
    ctx.end_flow()
    submission, version = result.submission, result.version
    timeliness = ctx.t("report.late" if version.is_late else "report.on_time")
    ctx.audit("report:submit", "ok", submission_id=submission.id, version=version.version)
    consolidation = (
        ctx.t("report.consolidation", date=date_text(rep.period.consolidation_due_on))
        if rep.period.consolidation_due_on
        else ""
    )
    if ctx.config.review_notify == "instant":
        key = "notice.submitted" if version.version == 1 else "notice.resubmitted"
        notify_secretariat(
            ctx,
            key=f"submitted:{submission.id}:v{version.version}",
            kind="submission",
            text=ctx.t(
                key,
                agency=rep.agency.name,
                title=rep.period.title,
                version=version.version,
                timeliness=timeliness,
                time=ctx.local_time(version.submitted_at),
                code=rep.agency.code,
            ),
        )
    return [
        Reply(
            ctx.t(
                "report.receipt",
                reference=submission.reference,
                version=version.version,
                time=ctx.local_time(version.submitted_at),
                timeliness=timeliness,
                due=date_text(rep.period.due_on),
                secretariat=ctx.secretariat_name(),
                consolidation=consolidation,
            )
            + (receipt_line(ctx, signed) if has_document(signed) else "")
        )
    ]


def version_blocks(
    ctx: Context, agency: Agency, period: ReportingPeriod, submission: Any, version: int
) -> list[str]:
    """A submitted version read with the questionnaire it was answered with."""
    layout, answers = version_layout(ctx, agency, period, submission, version)
    shown = [i for i in layout.instances if i.key in answers]
    return report_blocks(ctx, layout.form, shown, answers)


def version_layout(
    ctx: Context, agency: Agency, period: ReportingPeriod, submission: Any, version: int
) -> tuple[Layout, Answers]:
    """A submitted version's answers and the layout of the questionnaire it was answered with
    (today's, for a version stored without one)."""
    row = version_row(ctx.session, submission=submission, version=version)
    answers = version_answers(ctx.session, submission=submission, version=version)
    layout = None
    if row is not None and row.id is not None and row.questionnaire_id is not None:
        roles = version_roles(ctx.session, version_id=row.id)
        layout = answered_layout(
            ctx.session, form_id=row.questionnaire_id, answers=answers, roles=roles
        )
    if layout is None:
        layout = layout_for(ctx.session, period=period, agency=agency, answers=answers)
    return layout, answers


def show_latest(ctx: Context, agency: Agency, period: ReportingPeriod) -> list[Reply]:
    submission = find_submission(ctx.session, period_id=period.id, agency_id=agency.id)
    if submission is None or submission.current_version == 0:
        return []
    blocks = version_blocks(ctx, agency, period, submission, submission.current_version)
    return [Reply(text) for text in chunk(blocks)]


class ReportFlow(StepFlow):
    name = FLOW
    commands = frozenset({"back", "skip", *CLEAR_COMMANDS})

    def on_input(self, ctx: Context, state: ConversationState, event: IncomingEvent) -> list[Reply]:
        if state.step in {"pick_agency", "pick_period", "existing", "start_from"}:
            return super().on_input(ctx, state, event)
        draft = ctx.session.get(ReportDraft, state.data.get("draft_id"))
        rep = Report.load(ctx, draft) if draft is not None else None
        if rep is None:
            ctx.end_flow()
            return [Reply(ctx.t("flow.gone"))]
        if state.step == "review":
            return self.on_review(ctx, rep, event)
        if state.step == "conflict":
            return self.on_conflict(ctx, rep, event)
        key, mode = str(state.data.get("inst")), str(state.data.get("mode", "walk"))
        instance = rep.instance(key)
        question = (
            next(
                (q for q in instance.visible(rep.answer(key)) if q.id == state.data.get("q")), None
            )
            if instance
            else None
        )
        if instance is None or question is None:  # the plan changed meanwhile: answers stay
            return review(ctx, rep)
        command = (event.text or "").strip().lower().lstrip("/").split("@")[0]
        if command == "back":
            return go_back(ctx, rep, key, question.id, mode)
        if command == "skip":
            if question.required and is_blank(rep.answer(key).get(question.id)):
                return [
                    Reply(ctx.t("report.required")),
                    *ask(ctx, rep, key, question.id, mode, False),
                ]
            return advance(ctx, rep, key, question.id, mode)
        if command in CLEAR_COMMANDS:
            if question.required:
                return [
                    Reply(ctx.t("report.required")),
                    *ask(ctx, rep, key, question.id, mode, False),
                ]
            save_answer(rep.draft, instance=key, question=question.id, value=None, clock=ctx.clock)
            return [Reply(ctx.t("report.cleared")), *advance(ctx, rep, key, question.id, mode)]
        if event.choice == CUT:
            problem = take_cut(ctx, rep, instance, question)
        elif (
            question.type == QuestionType.single
            and event.choice is None
            and (compound := split_compound(state.data.get(OPTIONS_KEY) or [], event.text))
        ):
            return take_compound(ctx, rep, instance, question, mode, compound)
        else:
            problem = take_answer(ctx, rep, instance, question, event)
        return problem if problem is not None else advance(ctx, rep, key, question.id, mode)

    def step_pick_agency(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        wanted = chosen_id(event, "agency:")
        agency = next((a for a in focal_agencies(ctx) if a.id == wanted), None)
        return choose_period(ctx, agency) if agency else [Reply(ctx.t("pick.one"))]

    def step_pick_period(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        agency = self._agency(ctx, state)
        wanted = chosen_id(event, "period:")
        periods = open_periods_for(ctx.session, agency_id=agency.id) if agency else []
        period = next((p for p in periods if p.id == wanted), None)
        if agency is None or period is None:
            return [Reply(ctx.t("pick.one"))]
        return open_report(ctx, agency, period)

    def step_start_from(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        found = self._open(ctx, state)
        if isinstance(found, Reply):
            return [found]
        agency, period = found
        if event.choice not in {"st:reuse", "st:fresh"}:
            return [Reply(ctx.t("pick.one"))]
        return begin(ctx, agency, period, from_previous=event.choice == "st:reuse")

    def step_existing(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        found = self._open(ctx, state)
        if isinstance(found, Reply):
            return [found]
        agency, period = found
        if event.choice == "ex:view":
            options = (Option(ctx.t("report.opt.edit"), "ex:edit"),)
            shown = show_latest(ctx, agency, period)
            return [
                *shown[:-1],
                ctx.ask(FLOW, "existing", dict(state.data), shown[-1].text, options),
            ]
        if event.choice != "ex:edit":
            return [Reply(ctx.t("pick.one"))]
        person_id = ctx.actor.person_id
        assert person_id is not None  # only a focal point reaches this step
        draft = start_draft(
            ctx.session,
            period_id=period.id,
            agency_id=agency.id,
            person_id=person_id,
            clock=ctx.clock,
        )
        rep = Report.load(ctx, draft)
        assert rep is not None
        return review(ctx, rep)

    def _open(
        self, ctx: Context, state: ConversationState
    ) -> tuple[Agency, ReportingPeriod] | Reply:
        """The agency and period the conversation is about, while the period is open."""
        agency = self._agency(ctx, state)
        period = ctx.session.get(ReportingPeriod, state.data.get("period_id"))
        if agency is None or period is None or period.status != PeriodStatus.open:
            ctx.end_flow()
            return Reply(ctx.t("report.closed", secretariat=ctx.secretariat_name()))
        return agency, period

    @staticmethod
    def _agency(ctx: Context, state: ConversationState) -> Agency | None:
        return next((a for a in focal_agencies(ctx) if a.id == state.data.get("agency_id")), None)

    def accepts_files(self, state: ConversationState) -> bool:
        return state.data.get("takes_files") is True

    def on_review(self, ctx: Context, rep: Report, event: IncomingEvent) -> list[Reply]:
        form = rep.layout.form
        taken = None
        if event.attachment is not None and offered(form):
            caption = event.text
            taken = take_file(ctx, rep.draft, rep.agency, rep.period, event.attachment, caption)
        elif event.choice is None and event.text and offered(form):
            taken = take_facts(ctx, rep.draft, event.text)
        if taken is not None:
            notes = [Reply(note) for note in taken.notes]
            if taken.submit and not incomplete(rep.instances, rep.answers):
                return [*notes, *submit(ctx, rep)]
            if taken.submit:  # a whole letter, but answers still missing: say it is kept
                name = (signed_of(rep.draft) or {}).get("file_name", "")
                notes.insert(0, Reply(ctx.t("signed.kept", name=name)))
            return [*notes, review_prompt(ctx, rep)]
        if event.attachment is not None:
            return [Reply(ctx.t("attachment.unexpected")), review_prompt(ctx, rep)]
        choice = event.choice or ""
        if choice == "rv:submit" and not incomplete(rep.instances, rep.answers):
            return submit(ctx, rep)
        if choice == "rv:later":
            ctx.end_flow()
            return [Reply(ctx.t("report.saved_for_later", due=date_text(rep.period.due_on)))]
        instance = (
            rep.instance(choice.removeprefix("rv:edit:")) if choice.startswith("rv:edit:") else None
        )
        if instance is None:
            return [Reply(ctx.t("pick.one")), *review(ctx, rep)]
        first = instance.visible(rep.answer(instance.key))[0]
        return ask(ctx, rep, instance.key, first.id, "edit", True)

    def on_conflict(self, ctx: Context, rep: Report, event: IncomingEvent) -> list[Reply]:
        submission = find_submission(
            ctx.session,
            period_id=rep.period.id,
            agency_id=rep.agency.id,
        )
        assert submission is not None
        if event.choice == "cf:see":
            shown = show_latest(ctx, rep.agency, rep.period)
            state = ctx.state
            assert state is not None
            options = tuple(
                Option(str(label), str(value)) for label, value in state.data.get("_options", [])
            )
            return [
                *shown,
                ctx.ask(FLOW, "conflict", {"draft_id": rep.draft.id}, ctx.t("pick.one"), options),
            ]
        if event.choice == "cf:mine":
            rep.draft.base_version = submission.current_version
            return submit(ctx, rep)
        if event.choice == "cf:discard":
            ctx.session.delete(rep.draft)
            ctx.session.flush()
            person_id = ctx.actor.person_id
            assert person_id is not None  # only a focal point reaches this step
            draft = start_draft(
                ctx.session,
                period_id=rep.period.id,
                agency_id=rep.agency.id,
                person_id=person_id,
                clock=ctx.clock,
            )
            fresh = Report.load(ctx, draft)
            assert fresh is not None
            return [Reply(ctx.t("report.discarded")), *review(ctx, fresh)]
        return [Reply(ctx.t("pick.one"))]


def setup(registry: Registry) -> None:
    registry.command(
        "report",
        report,
        roles={Role.focal, Role.secretariat},
        description_key="cmd.report",
        order=20,
    )
    registry.flow(ReportFlow())
