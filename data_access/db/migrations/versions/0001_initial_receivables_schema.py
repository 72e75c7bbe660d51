"""initial receivables schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 14:32:07.470488
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('details', sa.Text(), nullable=False, comment='JSON'),
    sa.PrimaryKeyConstraint('audit_id', name=op.f('pk_audit_log')),
    comment='append-only: rows are inserted by data_access.db.writes and never updated'
    )
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta')),
    comment='data_version (bumped by every audited write), currency, schema facts'
    )
    op.create_table('regions',
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('region_id', name=op.f('pk_regions')),
    sa.UniqueConstraint('name', name=op.f('uq_regions_name'))
    )
    op.create_table('clients',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('industry', sa.String(length=60), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('recourse', sa.Boolean(), nullable=False, comment='recourse factoring (charge-back allowed)'),
    sa.Column('advance_rate', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.region_id'], name=op.f('fk_clients_region_id_regions')),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_clients'))
    )
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clients_region_id'), ['region_id'], unique=False)

    op.create_table('collectors',
    sa.Column('collector_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('hire_date', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False, comment='difficulty-weighted cases the collector can carry'),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("level IN ('junior', 'mid', 'senior')", name=op.f('ck_collectors_level')),
    sa.ForeignKeyConstraint(['mentor_id'], ['collectors.collector_id'], name=op.f('fk_collectors_mentor_id_collectors')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.region_id'], name=op.f('fk_collectors_region_id_regions')),
    sa.PrimaryKeyConstraint('collector_id', name=op.f('pk_collectors'))
    )
    with op.batch_alter_table('collectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collectors_region_id'), ['region_id'], unique=False)

    op.create_table('debtors',
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('industry', sa.String(length=60), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('credit_limit_cents', sa.BigInteger(), nullable=False, comment='minor currency units (cents)'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.region_id'], name=op.f('fk_debtors_region_id_regions')),
    sa.PrimaryKeyConstraint('debtor_id', name=op.f('pk_debtors'))
    )
    with op.batch_alter_table('debtors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debtors_region_id'), ['region_id'], unique=False)

    op.create_table('appeals',
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('collector_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'upheld', 'rejected')", name=op.f('ck_appeals_status')),
    sa.ForeignKeyConstraint(['collector_id'], ['collectors.collector_id'], name=op.f('fk_appeals_collector_id_collectors')),
    sa.PrimaryKeyConstraint('appeal_id', name=op.f('pk_appeals'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeals_collector_id'), ['collector_id'], unique=False)

    op.create_table('assignments',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('collector_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True, comment='exclusive; NULL while current'),
    sa.ForeignKeyConstraint(['collector_id'], ['collectors.collector_id'], name=op.f('fk_assignments_collector_id_collectors')),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.debtor_id'], name=op.f('fk_assignments_debtor_id_debtors')),
    sa.PrimaryKeyConstraint('assignment_id', name=op.f('pk_assignments')),
    comment="who owned each debtor's case on which dates"
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_collector_id'), ['collector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_debtor_id'), ['debtor_id'], unique=False)

    op.create_table('compliance_incidents',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('collector_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('confirmed_on', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['collector_id'], ['collectors.collector_id'], name=op.f('fk_compliance_incidents_collector_id_collectors')),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.debtor_id'], name=op.f('fk_compliance_incidents_debtor_id_debtors')),
    sa.PrimaryKeyConstraint('incident_id', name=op.f('pk_compliance_incidents'))
    )
    with op.batch_alter_table('compliance_incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compliance_incidents_collector_id'), ['collector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compliance_incidents_debtor_id'), ['debtor_id'], unique=False)

    op.create_table('credit_events',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('event_type', sa.String(length=24), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False, comment='1 low .. 3 high'),
    sa.CheckConstraint("event_type IN ('rating_downgrade', 'litigation', 'business_anomaly', 'negative_news', 'executive_change', 'bankruptcy')", name=op.f('ck_credit_events_event_type')),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.debtor_id'], name=op.f('fk_credit_events_debtor_id_debtors')),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_credit_events'))
    )
    with op.batch_alter_table('credit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_events_debtor_id'), ['debtor_id'], unique=False)

    op.create_table('debtor_ratings',
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('rated_on', sa.Date(), nullable=False),
    sa.Column('grade', sa.String(length=4), nullable=False, comment='AAA best .. CCC worst'),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.debtor_id'], name=op.f('fk_debtor_ratings_debtor_id_debtors')),
    sa.PrimaryKeyConstraint('rating_id', name=op.f('pk_debtor_ratings')),
    sa.UniqueConstraint('debtor_id', 'rated_on', name=op.f('uq_debtor_ratings_debtor_id'))
    )
    with op.batch_alter_table('debtor_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debtor_ratings_debtor_id'), ['debtor_id'], unique=False)

    op.create_table('escalations',
    sa.Column('escalation_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('collector_id', sa.Integer(), nullable=False),
    sa.Column('flagged_on', sa.Date(), nullable=False, comment='when the case became hard'),
    sa.Column('escalated_on', sa.Date(), nullable=True, comment='when it reached the manager'),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['collector_id'], ['collectors.collector_id'], name=op.f('fk_escalations_collector_id_collectors')),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.debtor_id'], name=op.f('fk_escalations_debtor_id_debtors')),
    sa.PrimaryKeyConstraint('escalation_id', name=op.f('pk_escalations'))
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalations_collector_id'), ['collector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalations_debtor_id'), ['debtor_id'], unique=False)

    op.create_table('invoices',
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('invoice_number', sa.String(length=40), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False, comment='minor currency units (cents)'),
    sa.Column('advance_cents', sa.BigInteger(), nullable=False, comment='minor currency units (cents)'),
    sa.Column('recourse', sa.Boolean(), nullable=False),
    sa.Column('disputed', sa.Boolean(), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_invoices_amount_positive')),
    sa.CheckConstraint('due_date >= issue_date', name=op.f('ck_invoices_due_after_issue')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.client_id'], name=op.f('fk_invoices_client_id_clients')),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.debtor_id'], name=op.f('fk_invoices_debtor_id_debtors')),
    sa.PrimaryKeyConstraint('invoice_id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('invoice_number', name=op.f('uq_invoices_invoice_number'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_debtor_id'), ['debtor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_issue_date'), ['issue_date'], unique=False)

    op.create_table('legal_cases',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('claimed_cents', sa.BigInteger(), nullable=False, comment='minor currency units (cents)'),
    sa.Column('recovered_cents', sa.BigInteger(), nullable=False, comment='minor currency units (cents)'),
    sa.CheckConstraint("stage IN ('filed', 'hearing', 'judgment', 'enforcement', 'closed')", name=op.f('ck_legal_cases_stage')),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.debtor_id'], name=op.f('fk_legal_cases_debtor_id_debtors')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_legal_cases'))
    )
    with op.batch_alter_table('legal_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_cases_debtor_id'), ['debtor_id'], unique=False)

    op.create_table('satisfaction_surveys',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('collector_id', sa.Integer(), nullable=False),
    sa.Column('survey_date', sa.Date(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_satisfaction_surveys_score')),
    sa.ForeignKeyConstraint(['collector_id'], ['collectors.collector_id'], name=op.f('fk_satisfaction_surveys_collector_id_collectors')),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.debtor_id'], name=op.f('fk_satisfaction_surveys_debtor_id_debtors')),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_satisfaction_surveys'))
    )
    with op.batch_alter_table('satisfaction_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_satisfaction_surveys_collector_id'), ['collector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_satisfaction_surveys_debtor_id'), ['debtor_id'], unique=False)

    op.create_table('targets',
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=32), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=True),
    sa.Column('collector_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=6), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['collector_id'], ['collectors.collector_id'], name=op.f('fk_targets_collector_id_collectors')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.region_id'], name=op.f('fk_targets_region_id_regions')),
    sa.PrimaryKeyConstraint('target_id', name=op.f('pk_targets'))
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_collector_id'), ['collector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_targets_region_id'), ['region_id'], unique=False)

    op.create_table('collection_actions',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('collector_id', sa.Integer(), nullable=False),
    sa.Column('action_date', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=False, comment='1 reminder .. 5 legal'),
    sa.CheckConstraint("channel IN ('reminder', 'phone', 'sms', 'email', 'letter', 'visit', 'legal')", name=op.f('ck_collection_actions_channel')),
    sa.ForeignKeyConstraint(['collector_id'], ['collectors.collector_id'], name=op.f('fk_collection_actions_collector_id_collectors')),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.debtor_id'], name=op.f('fk_collection_actions_debtor_id_debtors')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.invoice_id'], name=op.f('fk_collection_actions_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('action_id', name=op.f('pk_collection_actions'))
    )
    with op.batch_alter_table('collection_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_actions_collector_id'), ['collector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_actions_debtor_id'), ['debtor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_actions_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('credit_notes',
    sa.Column('credit_note_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('credit_note_date', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False, comment='minor currency units (cents)'),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_credit_notes_amount_positive')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.invoice_id'], name=op.f('fk_credit_notes_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('credit_note_id', name=op.f('pk_credit_notes')),
    comment='dilution: non-cash reductions'
    )
    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_notes_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('payments',
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('payment_date', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False, comment='minor currency units (cents)'),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.invoice_id'], name=op.f('fk_payments_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('payment_id', name=op.f('pk_payments')),
    comment='cash received against an invoice'
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('promises',
    sa.Column('promise_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('collector_id', sa.Integer(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('promised_date', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False, comment='minor currency units (cents)'),
    sa.Column('is_plan', sa.Boolean(), nullable=False, comment='part of a repayment plan'),
    sa.ForeignKeyConstraint(['collector_id'], ['collectors.collector_id'], name=op.f('fk_promises_collector_id_collectors')),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.debtor_id'], name=op.f('fk_promises_debtor_id_debtors')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.invoice_id'], name=op.f('fk_promises_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('promise_id', name=op.f('pk_promises'))
    )
    with op.batch_alter_table('promises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promises_collector_id'), ['collector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promises_debtor_id'), ['debtor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promises_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('recoveries',
    sa.Column('recovery_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('recovery_date', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False, comment='minor currency units (cents)'),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_recoveries_amount_positive')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.invoice_id'], name=op.f('fk_recoveries_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('recovery_id', name=op.f('pk_recoveries')),
    comment='cash recovered after a write-off'
    )
    with op.batch_alter_table('recoveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recoveries_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('write_offs',
    sa.Column('write_off_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('write_off_date', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False, comment='minor currency units (cents)'),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_write_offs_amount_positive')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.invoice_id'], name=op.f('fk_write_offs_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('write_off_id', name=op.f('pk_write_offs')),
    comment='amounts written off as bad debt'
    )
    with op.batch_alter_table('write_offs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_write_offs_invoice_id'), ['invoice_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('write_offs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_write_offs_invoice_id'))

    op.drop_table('write_offs')
    with op.batch_alter_table('recoveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recoveries_invoice_id'))

    op.drop_table('recoveries')
    with op.batch_alter_table('promises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promises_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_promises_debtor_id'))
        batch_op.drop_index(batch_op.f('ix_promises_collector_id'))

    op.drop_table('promises')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_invoice_id'))

    op.drop_table('payments')
    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_notes_invoice_id'))

    op.drop_table('credit_notes')
    with op.batch_alter_table('collection_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collection_actions_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_collection_actions_debtor_id'))
        batch_op.drop_index(batch_op.f('ix_collection_actions_collector_id'))

    op.drop_table('collection_actions')
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_targets_region_id'))
        batch_op.drop_index(batch_op.f('ix_targets_collector_id'))

    op.drop_table('targets')
    with op.batch_alter_table('satisfaction_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_satisfaction_surveys_debtor_id'))
        batch_op.drop_index(batch_op.f('ix_satisfaction_surveys_collector_id'))

    op.drop_table('satisfaction_surveys')
    with op.batch_alter_table('legal_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_cases_debtor_id'))

    op.drop_table('legal_cases')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_issue_date'))
        batch_op.drop_index(batch_op.f('ix_invoices_debtor_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_client_id'))

    op.drop_table('invoices')
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalations_debtor_id'))
        batch_op.drop_index(batch_op.f('ix_escalations_collector_id'))

    op.drop_table('escalations')
    with op.batch_alter_table('debtor_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_debtor_ratings_debtor_id'))

    op.drop_table('debtor_ratings')
    with op.batch_alter_table('credit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_events_debtor_id'))

    op.drop_table('credit_events')
    with op.batch_alter_table('compliance_incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compliance_incidents_debtor_id'))
        batch_op.drop_index(batch_op.f('ix_compliance_incidents_collector_id'))

    op.drop_table('compliance_incidents')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_debtor_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_collector_id'))

    op.drop_table('assignments')
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeals_collector_id'))

    op.drop_table('appeals')
    with op.batch_alter_table('debtors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_debtors_region_id'))

    op.drop_table('debtors')
    with op.batch_alter_table('collectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collectors_region_id'))

    op.drop_table('collectors')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clients_region_id'))

    op.drop_table('clients')
    op.drop_table('regions')
    op.drop_table('meta')
    op.drop_table('audit_log')
