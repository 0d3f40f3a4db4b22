# Titles the emulation blocs propose for (Cờ thi đua, Bằng khen of the province).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('nominations', '0005_titles_reports_councils_ratings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='candidate',
            name='title',
            field=models.CharField(choices=[('cultural_family', 'Cultural family (household)'), ('cultural_village', 'Cultural village or residential group'), ('exemplary_commune', 'Exemplary commune, ward or town'), ('cultural_standard_organization', 'Agency, unit or enterprise meeting the cultural standard'), ('advanced_worker', 'Advanced worker'), ('advanced_collective', 'Advanced collective'), ('emulation_flag', 'Emulation flag of the province'), ('provincial_commendation', 'Certificate of commendation of the provincial chairman')], max_length=40, verbose_name='title'),
        ),
        migrations.AlterField(
            model_name='dossier',
            name='title',
            field=models.CharField(choices=[('cultural_family', 'Cultural family (household)'), ('cultural_village', 'Cultural village or residential group'), ('exemplary_commune', 'Exemplary commune, ward or town'), ('cultural_standard_organization', 'Agency, unit or enterprise meeting the cultural standard'), ('advanced_worker', 'Advanced worker'), ('advanced_collective', 'Advanced collective'), ('emulation_flag', 'Emulation flag of the province'), ('provincial_commendation', 'Certificate of commendation of the provincial chairman')], max_length=40, verbose_name='title'),
        ),
    ]
